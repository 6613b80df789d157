# Translations (README: "The Chinese edition"). The English edition is the source;
# the other editions are built from it with the catalogs in locale/<language>/.
#   make translations   refreshes the catalogs after an edit of the English pages, then lists the
#                       untranslated and fuzzy messages of the other catalogs (python -m translations)
#   make book-zh        builds the Chinese edition into _build/html/zh
# `make book` builds the English edition, the message templates and then every
# translated edition; the chapters run once, from the shared execution cache.

LANGUAGES := zh_CN
SPHINX_INTL := $(BIN)/sphinx-intl

.PHONY: translations gettext book-zh book-editions

gettext: setup
	$(BIN)/python book/_ext/build_edition.py gettext

translations: gettext
	$(SPHINX_INTL) update --pot-dir _build/gettext --locale-dir locale $(addprefix --language=,$(LANGUAGES)) --line-width=-1 --no-obsolete
	@echo "catalogs refreshed: translate the empty and fuzzy messages in locale/*/LC_MESSAGES/**/*.po"
	@# the words outside the pages (locale/<language>/LC_MESSAGES/<domain>.po, docs/translations.md)
	$(BIN)/python -m translations

book-zh: setup
	$(BIN)/python book/_ext/build_edition.py html zh_CN $(if $(STATIC_CHANGED),--all)

book-editions: gettext book-zh
