# Printable editions (README, "Printable editions"). From the repository root:
#   make pdf                  _build/pdf/transposed-convolution.en.pdf
#   make pdf PDF_LANG=zh      _build/pdf/transposed-convolution.zh.pdf (once the Chinese edition exists;
#                             PDF_JB_ARGS_zh names its Jupyter Book configuration)
# Sphinx's singlehtml builder writes the whole book as one page, from the same sources and
# the same execution cache (_build/.jupyter_cache) as `make book`; book/_ext/print_edition.py
# adapts it for paper and book/_ext/print_pdf.py prints it with the system's Chromium.
# The PDF is remade only when a source of the book is newer than it.

PDF_LANG ?= en
PDF_DIR  := _build/pdf
PDF_FILE  = $(PDF_DIR)/transposed-convolution.$(PDF_LANG).pdf
# extra `jupyter-book build` arguments per language, e.g. PDF_JB_ARGS_zh := --config _config.zh.yml
PDF_JB_ARGS_en ?=
PDF_SOURCES = $(shell find book _static source_lib -type f -not -path '*/__pycache__/*' 2>/dev/null) _config.yml _toc.yml \
              $(wildcard _config.$(PDF_LANG).yml _toc.$(PDF_LANG).yml)

.PHONY: pdf

pdf: $(PDF_FILE)

$(PDF_DIR)/transposed-convolution.%.pdf: $(PDF_SOURCES) | setup system-deps
	@test "$*" = en -o -n "$(PDF_JB_ARGS_$*)" || { \
	  echo "no '$*' edition configured: set PDF_JB_ARGS_$* in mk/pdf.mk to the jupyter-book build arguments" \
	       "of that edition (e.g. --config _config.$*.yml)"; exit 2; }
	$(BIN)/jupyter-book build . -W -n --keep-going --builder singlehtml $(PDF_JB_ARGS_$*)
	$(BIN)/python book/_ext/print_pdf.py --html _build/singlehtml/print-edition.html --out $@ --lang $*
