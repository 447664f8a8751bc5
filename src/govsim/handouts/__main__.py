"""``python -m govsim.handouts``: regenerate docs/glossary.md and docs/reading-list.md."""

from govsim.handouts import write_docs

for path in write_docs():
    print(path)
