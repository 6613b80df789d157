# Printable editions (README, "Printable edition (PDF)"). From the repository root:
#   make pdf                  _build/pdf/transposed-convolution.en.pdf and .zh.pdf
#   make pdf PDF_LANGS=zh     only the Chinese one
# Sphinx's singlehtml builder writes a whole edition as one page, from the same sources and
# the same execution cache (_build/.jupyter_cache) as `make book`: the English one with
# `jupyter-book build`, the Chinese one with book/_ext/build_edition.py and the catalogs in
# locale/zh_CN. book/_ext/print_edition.py adapts the page for paper and
# book/_ext/print_pdf.py prints it with the system's Chromium.
# A PDF is remade only when a source of the book (or a catalog, for a translation) is newer than it.

PDF_LANGS ?= en zh
PDF_DIR   := _build/pdf
PDF_SOURCES = $(shell find book _static source_lib bookkit -type f -not -path '*/__pycache__/*' 2>/dev/null) _config.yml _toc.yml
PDF_CATALOGS = $(shell find locale -type f 2>/dev/null)

.PHONY: pdf

pdf: $(foreach lang,$(PDF_LANGS),$(PDF_DIR)/transposed-convolution.$(lang).pdf)

$(PDF_DIR)/transposed-convolution.en.pdf: $(PDF_SOURCES) | setup system-deps
	$(BIN)/jupyter-book build . -W -n --keep-going --builder singlehtml
	$(BIN)/python book/_ext/print_pdf.py --html _build/singlehtml/print-edition.html --out $@ --lang en

$(PDF_DIR)/transposed-convolution.zh.pdf: $(PDF_SOURCES) $(PDF_CATALOGS) | setup system-deps
	$(BIN)/python book/_ext/build_edition.py singlehtml zh_CN
	$(BIN)/python book/_ext/print_pdf.py --html _build/zh_CN/singlehtml/print-edition.html --out $@ --lang zh
