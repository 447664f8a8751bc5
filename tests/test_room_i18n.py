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
    assert english["unread"] and all("ne lit pas" in why for why in french["unread"].values())


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
    for lang, said in (("fr", "n'est pas lu comme une réponse"), ("es", "no se lee como respuesta")):
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
