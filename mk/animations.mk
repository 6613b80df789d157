# Animations to teach with (docs/animations.md). From the repository root:
#   make animations                      every animation of the book's gallery, in English and Chinese:
#                                        animations/en/ and animations/zh_CN/ hold <setting>.<kind>.gif (for
#                                        slides), .png (APNG), .strip.png (the key frames, a still) and
#                                        <setting>.<kind>.frames/NN.png (every frame)
#   make animations ANIMATIONS_DIR=dir   the same into another folder

ANIMATIONS_DIR ?= animations

.PHONY: animations

animations: setup
	$(BIN)/python -m bookkit.animation "$(ANIMATIONS_DIR)"
