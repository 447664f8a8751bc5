"""The room server's pages in the room's language (issues 24 and 25): ``govsim room serve
--lang fr`` makes every page French, ``?lang=`` changes one page; the words ``room.js`` shows
come from the server (:func:`govsim.room.words.page_words`), never from the script; the
controls' units and meanings are the cheat-sheet's translations (one home), the room's
questions and the model's answer the worksheet's, with numbers in the locale; a participant's
one-line errors are translated. The pseudo-locale test of every page in every state, in a real
browser, is ``test_room_i18n_browser.py``.
"""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import pytest
from room_server import serve_room

from govsim import i18n
from govsim.i18n import PSEUDO, MissingTranslation, language
from govsim.room import words
from govsim.room.explore import controls, explore_run
from govsim.room.explore import explore_json as explore_text
from govsim.room.questions import answer_sentence, model_answer, question_words, room_questions

ROOM_JS = Path(words.__file__).with_name("static") / "room.js"
TRANSLATED = [lang for lang in i18n.LANGUAGES if lang != "en"]


def used_words() -> set[str]:
    """The keys room.js asks for (``t("key")``, ``tn("key", n)``)."""
    return set(re.findall(r"""\btn?\(\s*["'](\w+)["']""", ROOM_JS.read_text(encoding="utf-8")))


def test_room_js_asks_the_server_for_every_word_and_holds_no_english_of_its_own() -> None:
    """Every word the script asks for is in the table, every word of the table is asked for,
    and the script's string literals hold no English sentence (words come from the server)."""
    with language(PSEUDO):
        table = words.page_words()
    assert used_words() == set(table)
    source = ROOM_JS.read_text(encoding="utf-8")
    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("//"))
    literals = re.findall(r'"([^"\\\n]*)"|`([^`]*)`', code)
    sentences = [
        a or b
        for a, b in literals
        if re.search(r"\b[A-Z][a-z]+ [a-z]+", re.sub(r"\$\{[^}]*\}", "", a or b))
        and (a or b) != "Answer recorded"  # a check's status compared, not shown
    ]
    assert sentences == []
    for said in table.values():
        forms = said.values() if isinstance(said, dict) else [said]
        assert all(f.startswith(i18n.OPEN) and f.endswith(i18n.CLOSE) for f in forms)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_control_question_and_answer_has_its_words_in(lang: str) -> None:
    """A missing unit, meaning, question label or sentence is an error here (in a room it
    falls back to English with a warning): the cheat-sheet's and the worksheet's translations
    cover every control (group traits' spreads too) and every room question."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", MissingTranslation)
        with language(lang):
            shown = controls()
            questions = {qid: question_words(q) for qid, q in room_questions().items()}
            answer = model_answer("02.mean_rounds", range(4))
            sentence = answer_sentence(answer)
    english = {c.name: c for c in controls()}
    meant = [c for c in shown if c.name not in ("scenario", "protocol", "seed")]
    assert all(c.help for c in meant) and len(meant) > 60
    assert sum(c.help != english[c.name].help for c in meant) == len(meant)  # every meaning translated
    assert all(q["text"] != room_questions()[qid].text for qid, q in questions.items())
    mean = f"{answer.rules[1].mean:.2f}".replace(".", ",")
    assert mean in sentence and "%" in sentence and sentence != answer.sentence  # a decimal comma
    field = {"fr": "règles ascendantes (multipartites)", "es": "de múltiples partes interesadas"}[lang]
    assert field in sentence


def test_the_status_line_and_the_unread_reasons_come_in_the_pages_language() -> None:
    english = explore_run({"seed": 2, "protocol": "top_down"})
    french = json.loads(explore_text({"seed": 2, "protocol": "top_down"}, "fr"))
    assert "issues negotiated" in english["status"] and "questions négociées" in french["status"]
    assert re.search(r"\d,\d", french["status"]) and "\u00a0;" in french["status"]
    same = [{k: v for k, v in f.items() if k != "status"} for f in english["recording"]["frames"]]
    assert same == [{k: v for k, v in f.items() if k != "status"} for f in french["recording"]["frames"]]
    assert french["recording"]["frames"][-1]["status"].startswith("Question ")  # a round's line, in French
    assert english["unread"] and all(
        why.startswith("Les règles descendantes (intergouvernementales) n'utilisent pas ce paramètre")
        and "top_down" not in why
        for why in french["unread"].values()
    )


@pytest.mark.parametrize(
    ("lang", "rule", "users"),
    [
        (
            "fr",
            "Les règles ascendantes (multipartites)",
            "il compte avec les règles descendantes (intergouvernementales)",
        ),
        (
            "es",
            "Las reglas ascendentes (de múltiples partes interesadas)",
            "solo influye con las reglas descendentes",
        ),
        ("en", "Bottom-up (multistakeholder) rules", "it matters under top-down (intergovernmental) rules"),
    ],
)
def test_a_greyed_setting_says_its_reason_with_every_rule_in_words(lang, rule, users) -> None:
    """Reviews rr-fr A5 / rr-es E1: "bottom_up ne lit pas lobbying … (il compte avec top_down)"
    named rules by code and read as "relies on" in Spanish. Every built-in rule's reason, in
    every language, names the rules in words (protocols.RULE_WORDS, the one home) and no code
    name of a rule."""
    from govsim.i18n import language
    from govsim.protocols import RULE_WORDS, settings_unread

    with language(lang):
        reasons = {p: settings_unread(p) for p in RULE_WORDS}
    assert reasons["bottom_up"]["lobbying"].startswith(rule) and users in reasons["bottom_up"]["lobbying"]
    said = [why for found in reasons.values() for why in found.values()]
    assert said and not [why for why in said if any(code in why for code in RULE_WORDS)]


@pytest.mark.parametrize("lang", ["fr", "es", "en"])
def test_every_rule_choice_reads_in_words_with_its_code_name(lang) -> None:
    """Reviews rr-fr A4 / rr-es A1: the rule drop-down (Explore and the facilitator's push,
    one :func:`controls`) showed ``top_down``; each choice now reads as the rule in words
    (the status line's words) then its code name."""
    from govsim.i18n import language
    from govsim.protocols import rule_in_words

    with language(lang):
        rule = next(c for c in controls() if c.name == "protocol")
        expected = [f"{rule_in_words(p)} · {p}" for p in rule.choices]
    assert list(rule.words) == expected and rule.as_json()["words"] == expected
    if lang == "fr":
        assert "descendant (intergouvernemental) · top_down" in rule.words


@pytest.fixture(scope="module")
def french(tmp_path_factory):
    served = serve_room(tmp_path_factory.mktemp("room-fr"), "--workers", "0", "--lang", "fr")
    yield served
    served.kill()


@pytest.mark.slow
def test_a_french_room_serves_french_pages_and_a_page_can_switch(french) -> None:
    status, join = french.get("/join", code=french.code("join"))
    assert status == 200 and "lang='fr'" in join and "Rejoindre la salle" in join
    assert "lang=es" in join and "Español" in join  # the other languages, each in its own words
    key = french.join("Zoé")
    status, page = french.get("/me", key=key)
    assert status == 200 and "<html lang='fr'" in page and "govsim\u00a0: votre page" in page
    table = json.loads(re.search(r"id='govsim-words'>(.*?)</script>", page).group(1))
    assert table["lang"] == "fr" and table["point"] == "," and table["words"]["explore"] == "Explorer"
    status, spanish = french.get("/me", key=key, lang="es")
    assert "<html lang='es'" in spanish and '"explore": "Explorar"' in spanish
    status, me = french.api(f"/api/me?key={key}")
    units = {c["name"]: c["unit"] for c in me["controls"]}
    assert units["max_rounds"] == "tours" and me["controls"][2]["label"].startswith("graine")
    yes_no = next(q for q in me["exercises"] if q["kind"] == "yes/no")
    assert yes_no["options"] == [["yes", "oui"], ["no", "non"]]
    for lang, said in (("fr", "n'est ni oui ni non"), ("es", "no es ni sí ni no")):  # told by its kind
        status, reply = french.api(
            f"/api/answer?lang={lang}", {"key": key, "qid": yes_no["qid"], "text": "peut-être"}
        )
        assert status == 400 and said in reply["error"] and "\n" not in reply["error"]
    status, reply = french.api("/api/answer?lang=en", {"key": key, "qid": yes_no["qid"], "text": "maybe"})
    assert status == 400 and "maybe" in reply["error"]  # English: the check's own line
    status, _headers, body = french.request("POST", "/join", form={"code": french.code("join"), "name": " "})
    assert status == 400 and "caractères imprimables" in body


@pytest.mark.slow
def test_a_french_projector_says_the_question_and_the_models_answer_in_french(french) -> None:
    code = french.code("facilitate")
    qid = next(iter(room_questions()))
    assert french.api("/api/act", {"code": code, "action": "pose", "qid": qid})[0] == 200
    assert french.api("/api/act", {"code": code, "action": "reveal"})[0] == 200
    status, room = french.api(f"/api/room?code={french.code('projector')}")
    assert status == 200 and "comparées aux règles descendantes" in room["poll"]["text"]
    assert room["poll"]["labels"]["↑"] == "↑ plus élevé"
    sentence = room["poll"]["answer"]["sentence"]
    assert sentence.startswith("Sur 50 graines (0-49) du scénario «\u00a0Salle de classe\u00a0»")
    assert re.search(r"moyenne \d+,\d+ contre \d+,\d+", sentence)
    status, room = french.api(f"/api/room?code={french.code('projector')}&lang=es")
    assert room["poll"]["answer"]["sentence"].startswith("En 50 semillas (0-49) del escenario «Aula»")
    status, sheet = french.get("/join-sheet", code=code)
    assert "Rejoindre la salle" in sheet and "lang='fr'" in sheet


@pytest.mark.slow
def test_a_wrong_code_is_refused_in_the_pages_language(french) -> None:
    status, body = french.get("/me", key="not-a-key")
    assert status == 403 and body.startswith("refusé\u00a0: code d'accès erroné")
    status, body = french.get("/me", key="not-a-key", lang="en")
    assert status == 403 and body.startswith("refused: wrong join code")


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_an_unread_answer_is_told_by_the_question_kind(lang) -> None:
    """Review rr-fr E1: "12345" on a choice question was told "Type a number …". Every
    answerable exercise, in every room language: a choice's line names each of its option keys
    and never asks for a number; a yes/no line asks for yes or no; only a number question
    mentions a fraction."""
    from govsim.exercises.checks import Choice, YesNo
    from govsim.i18n import language
    from govsim.room.answering import answer_questions, unread_line

    fraction = {"en": "fraction", "fr": "fraction", "es": "fracción"}[lang]
    with language(lang):
        for qid, q in answer_questions().items():
            line = unread_line(qid, "12345")
            assert line.startswith(qid) and "12345" in line
            if isinstance(q, YesNo):  # a YesNo is a Choice: asked first
                assert fraction not in line and {"en": "yes", "fr": "oui", "es": "sí"}[lang] in line, line
            elif isinstance(q, Choice):
                assert fraction not in line and all(f" {key}" in line for key in q.options()), line
            else:
                assert fraction in line, line


def test_the_run_views_own_words_come_with_the_recording_in_the_runs_language() -> None:
    """Review rr-fr A1-A3: the chart on a French phone read "Issue 5:", "round of the run …",
    "objected", "text on the table", "status quo". The words come with the recording
    (replay.view_words), English for a notebook and the page's language in a room; the
    script draws them from there (its English stands in only for an old recording)."""
    english = explore_run({"seed": 2})["recording"]["words"]
    french = json.loads(explore_text({"seed": 2}, "fr"))["recording"]["words"]
    spanish = json.loads(explore_text({"seed": 2}, "es"))["recording"]["words"]
    assert english["objected"] == "objected" and english["issue"] == "Issue {n}: {name}"
    assert french["objected"] == "a fait objection" and french["text"] == "projet sur la table"
    assert french["status_quo"] == "statu quo" and french["issue"].startswith("Question {n}")
    assert spanish["issue"] == "Tema {n}: {name}" and spanish["rounds"].startswith("ronda (punteado")
    assert set(english) == set(french) == set(spanish)
    run_view = (Path(words.__file__).parents[1] / "screen" / "static" / "run_view.js").read_text()
    drawn = re.findall(
        r"(?:fillText|textContent\s*=|label:)\s*\(?\s*[\"'`]([^\"'`]*[A-Za-z]{3}[^\"'`]*)[\"'`]", run_view
    )
    assert drawn == [], drawn
    for key in english:
        assert f'said(data, "{key}")' in run_view, key


#: what a participant's own page (join, Explore, Predict, Exercises) says: room.js's keys
PERSONAL_KEYS = (
    "lost", "play", "pause", "explore", "predict", "exercises", "you", "running", "more_settings",
    "not_a_number", "out_of_range", "no_question", "your_prediction", "not_predicted", "model_answer",
    "of_seeds", "answer_to", "a_percentage", "a_share", "a_number", "your_answer", "check", "in_english",
)  # fmt: skip
#: the server's lines to one person (a participant, or the one facilitator)
PERSONAL_LINES = (
    "Your name (as the facilitator will see it)",
    "A name has 1 to {n} printable characters: {name} cannot be shown.",
    "settings: give an object of control names and values",
    "These settings were not taken: {error}",
    "This prediction was not taken: the question has changed. Choose again.",
    "refused: too many wrong join codes from this address; wait a minute",
    "no question is posed: pose one first",
)
#: ustedes forms (plural imperatives and present) of the verbs a personal page uses
PLURAL = re.compile(
    r"\b(?:escriban|elijan|pueden|planteen|esperen|vuelvan|inténtenlo|toquen|respondan|corrijan|den|"
    r"usen|abran|escaneen|ustedes|sus?\s+teléfonos)\b",
    re.I,
)


def test_a_spanish_personal_page_speaks_to_one_person_as_usted() -> None:
    """Review rr-es C1: a participant's own page mixed usted ("Su predicción") with ustedes
    ("pueden cambiarla", "Escriban un número", "Elijan de nuevo"). Every string of the personal
    page (room.js's words, the server's lines to one person, the unread-answer lines of every
    exercise, the greyed settings' reasons) has no plural form of its verbs; the join sheet
    and team pages, which speak to a team, keep ustedes."""
    from govsim.i18n import _, language
    from govsim.protocols import RULE_WORDS, settings_unread
    from govsim.room.answering import answer_questions, unread_line

    with language("es"):
        said = [words.page_words()[key] for key in PERSONAL_KEYS]
        said += [_(line) for line in PERSONAL_LINES]
        said += [unread_line(qid, "x") for qid in answer_questions()]
        said += [why for rule in RULE_WORDS for why in settings_unread(rule).values()]
        team = _("Scan the code, or type the address, on your phone, tablet or laptop.")
    plural = [line for line in said if isinstance(line, str) and PLURAL.search(line)]
    assert plural == []
    assert PLURAL.search(team), "the join sheet speaks to a team: ustedes"
    assert {"Escriba", "Elija", "puede"} <= {w for line in said for w in re.findall(r"\w+", line)}


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_percentages_and_thousands_follow_the_locale_on_the_status_line_and_ranges(lang) -> None:
    """Reviews rr-fr D3/D5, rr-es D1: "0,0%" (an explicit pattern dropped the locale's space)
    and "de 1 à 2000". Every percentage on the status line has the locale's space before
    ``%``, the non-compliance one a decimal; a range's thousands are separated (French from
    1 000, Spanish from 10 000, as CLDR's minimum grouping says); English is unchanged."""
    found = json.loads(explore_text({"seed": 3, "protocol": "regional"}, lang))["status"]
    assert re.findall(r"\d%", found) == [] and re.search(r"\d,\d\u00a0%", found), found
    assert "(ponderado por la influencia)" in found if lang == "es" else "(pondéré par l'influence)" in found
    from govsim.i18n import language

    with language(lang):
        help_of = {c.name: c.help for c in controls()}
    if lang == "fr":
        assert "2\u202f000" in help_of["max_rounds"], help_of["max_rounds"]
    english = explore_run({"seed": 3, "protocol": "regional"})["status"]
    assert re.search(r"\d\.\d%", english) and "\u00a0%" not in english
