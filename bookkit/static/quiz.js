/*
 * Self-check questions ("Check yourself") made by bookkit/quiz.py.
 *
 * The book loads this file on every page, and each quiz output carries an inline
 * copy so that it also works in a notebook; the first copy to run binds the
 * handlers, any later one does nothing. No kernel and no network: the key of a
 * numeric question is the form's data-answer, the explanations are hidden
 * elements of the form, and feedback goes to the form's aria-live region.
 *
 * Its words (WORDS in bookkit/quiz.py, with {name} fields filled in here)
 * come from window.BOOK_INTERFACE_WORDS.quiz, which the book build writes in
 * the page's language (_static/interface-words.js); the controls' labels are
 * then written in that language too. Without it (in a notebook) they come from
 * the quiz's data-quiz-words, the English words it was rendered with.
 */
(function () {
  "use strict";
  if (window.transposedQuizBound) {
    return;
  }
  window.transposedQuizBound = true;

  function pageWords() {
    const table = window.BOOK_INTERFACE_WORDS;
    return table && table.quiz ? table.quiz : null;
  }

  // The sentence `key` of the quiz's words, with its {name} fields filled in.
  function sentence(form, key, fields) {
    const quiz = form.closest(".quiz");
    const words = pageWords() || JSON.parse(quiz.dataset.quizWords);
    return words[key].replace(/\{(\w+)\}/g, function (_, name) { return String(fields[name]); });
  }

  // The controls' labels and the "See ..." line in the page's language.
  function relabel() {
    const words = pageWords();
    if (!words) {
      return;
    }
    document.querySelectorAll(".quiz form.quiz-question").forEach(function (form) {
      form.querySelectorAll(".quiz-answer-row label").forEach(function (label) { label.textContent = words.your_answer; });
      form.querySelectorAll("button[type=submit]").forEach(function (button) { button.textContent = words.check; });
      form.querySelectorAll("[data-quiz-reveal]").forEach(function (button) { button.textContent = words.show_answer; });
      form.querySelectorAll(".quiz-see").forEach(function (line) {
        const link = line.querySelector("a");
        if (!link) {
          return;
        }
        const parts = words.see.split("{link}");
        line.replaceChildren(document.createTextNode(parts[0]), link, document.createTextNode(parts[1] || ""));
      });
    });
  }

  function paragraph(text, className) {
    const p = document.createElement("p");
    p.textContent = text;
    if (className) {
      p.className = className;
    }
    return p;
  }

  function copyOf(element) {
    // Explanations are the book's own HTML, written by bookkit/quiz.py.
    const div = document.createElement("div");
    div.className = "quiz-explanation-shown";
    div.innerHTML = element ? element.innerHTML : "";
    return div;
  }

  function say(form, verdict, nodes) {
    const feedback = form.querySelector(".quiz-feedback");
    form.classList.remove("quiz-right", "quiz-wrong", "quiz-revealed");
    if (verdict) {
      form.classList.add("quiz-" + verdict);
    }
    feedback.replaceChildren(...nodes.filter(node => node && node.textContent.trim() !== ""));
  }

  function parseNumber(text) {
    // Full-width forms (Chinese and Japanese input methods type １２, －３, ０．５) read as ASCII.
    const halfWidth = text.replace(/[\uff0b\uff0d\uff0e\uff10-\uff19\uff45\uff25]/g,
                                   ch => String.fromCharCode(ch.charCodeAt(0) - 0xfee0));
    const cleaned = halfWidth.trim().replace(/\u2212/g, "-").replace(/[\s\u3000]+/g, "");
    if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(cleaned)) {
      return null;
    }
    return Number(cleaned);
  }

  function checkNumeric(form) {
    const input = form.querySelector("input[name=answer]");
    const text = input.value;
    if (text.trim() === "") {
      input.setAttribute("aria-invalid", "true");
      say(form, null, [paragraph(sentence(form, "empty", {}))]);
      return;
    }
    const value = parseNumber(text);
    if (value === null) {
      input.setAttribute("aria-invalid", "true");
      say(form, null, [paragraph(sentence(form, "not_a_number", { text: text.trim() }))]);
      return;
    }
    const answer = Number(form.dataset.answer);
    const tolerance = Number(form.dataset.tolerance || 0) + 1e-9 * Math.max(1, Math.abs(answer));
    if (Math.abs(value - answer) <= tolerance) {
      input.setAttribute("aria-invalid", "false");
      say(form, "right", [paragraph(sentence(form, "right_number", { answer: form.dataset.answer }), "quiz-verdict"),
                          copyOf(form.querySelector(".quiz-explanation"))]);
    } else {
      input.setAttribute("aria-invalid", "true");
      say(form, "wrong", [paragraph(sentence(form, "wrong_number", { value: value }), "quiz-verdict"),
                          copyOf(form.querySelector(".quiz-hint"))]);
    }
  }

  function checkChoice(form) {
    const chosen = form.querySelector("input[type=radio]:checked");
    if (!chosen) {
      say(form, null, [paragraph(sentence(form, "no_choice", {}))]);
      return;
    }
    const why = chosen.parentElement.querySelector(".quiz-why");
    if (chosen.dataset.correct === "true") {
      say(form, "right", [paragraph(sentence(form, "right", {}), "quiz-verdict"), copyOf(why)]);
    } else {
      say(form, "wrong", [paragraph(sentence(form, "wrong", {}), "quiz-verdict"), copyOf(why),
                          paragraph(sentence(form, "try_another", {}))]);
    }
  }

  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.classList.contains("quiz-question")) {
      return;
    }
    event.preventDefault();
    if (form.dataset.quizKind === "numeric") {
      checkNumeric(form);
    } else {
      checkChoice(form);
    }
  });

  // Keys pressed in a quiz belong to its controls. A host page may use them as shortcuts: JupyterLab's
  // notebook takes Enter and the arrow keys (the form would never submit, the radio buttons never move).
  // So they stop here, on window, before any other listener; their default actions (typing, moving
  // between radio buttons, Tab, Space) still happen, and Enter checks the answer.
  window.addEventListener("keydown", function (event) {
    const control = event.target;
    if (!(control instanceof HTMLElement) || !control.closest("form.quiz-question")) {
      return;
    }
    event.stopPropagation();
    if (event.key === "Enter" && control instanceof HTMLInputElement) {
      event.preventDefault();
      control.form.requestSubmit();
    }
  }, true);

  document.addEventListener("click", function (event) {
    const button = event.target.closest ? event.target.closest("[data-quiz-reveal]") : null;
    const form = button ? button.closest("form.quiz-question") : null;
    if (!form) {
      return;
    }
    say(form, null, [paragraph(sentence(form, "answer_is", { answer: form.dataset.answer }), "quiz-verdict"),
                     copyOf(form.querySelector(".quiz-explanation"))]);
    form.classList.add("quiz-revealed");
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", relabel);
  } else {
    relabel();
  }
})();
