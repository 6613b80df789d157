# The course bundles (docs/course-bundle.md): a .zip per edition that a student downloads, installs with one
# `pip install -r requirements.txt` and runs. `make book` writes them with each edition (about a second each);
#   make bundle   writes them again from the built book: _build/html/downloads/course-en.zip and
#                 _build/html/zh/downloads/course-zh_CN.zip, each with the library wheel beside it

.PHONY: bundle

bundle: setup
	@test -f _build/html/index.html -a -f _build/html/zh/index.html || { echo "no built book in _build/html: run make book (it writes the bundles too)"; exit 2; }
	$(BIN)/python book/_ext/course_bundle.py
