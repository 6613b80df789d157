/*
 * Self-check questions ("Check yourself") made by source_lib/quiz.py.
 *
 * The book loads this file on every page, and each quiz output carries an inline
 * copy so that it also works in a notebook; the first copy to run binds the
 * handlers, any later one does nothing. No kernel and no network: the key of a
 * numeric question is the form's data-answer, the explanations are hidden
 * elements of the form, and feedback goes to the form's aria-live region.
 */
(function () {
  "use strict";
  if (window.transposedQuizBound) {
    return;
  }
  window.transposedQuizBound = true;

  function paragraph(text, className) {
    const p = document.createElement("p");
    p.textContent = text;
    if (className) {
      p.className = className;
    }
    return p;
  }

  function copyOf(element) {
    // Explanations are the book's own HTML, written by source_lib/quiz.py.
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
    const cleaned = text.trim().replace(/\u2212/g, "-").replace(/\s+/g, "");
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
      say(form, null, [paragraph("Type a number first, then press Check.")]);
      return;
    }
    const value = parseNumber(text);
    if (value === null) {
      input.setAttribute("aria-invalid", "true");
      say(form, null, [paragraph("\u201c" + text.trim() + "\u201d is not a number: type digits only, for example 12.")]);
      return;
    }
    const answer = Number(form.dataset.answer);
    const tolerance = Number(form.dataset.tolerance || 0) + 1e-9 * Math.max(1, Math.abs(answer));
    if (Math.abs(value - answer) <= tolerance) {
      input.setAttribute("aria-invalid", "false");
      say(form, "right", [paragraph("Right: " + form.dataset.answer + ".", "quiz-verdict"),
                          copyOf(form.querySelector(".quiz-explanation"))]);
    } else {
      input.setAttribute("aria-invalid", "true");
      say(form, "wrong", [paragraph("Not " + value + ". Try again, or press Show answer.", "quiz-verdict"),
                          copyOf(form.querySelector(".quiz-hint"))]);
    }
  }

  function checkChoice(form) {
    const chosen = form.querySelector("input[type=radio]:checked");
    if (!chosen) {
      say(form, null, [paragraph("Choose one of the options first, then press Check.")]);
      return;
    }
    const why = chosen.parentElement.querySelector(".quiz-why");
    if (chosen.dataset.correct === "true") {
      say(form, "right", [paragraph("Right.", "quiz-verdict"), copyOf(why)]);
    } else {
      say(form, "wrong", [paragraph("Not this one.", "quiz-verdict"), copyOf(why),
                          paragraph("Try another option.")]);
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
    say(form, null, [paragraph("The answer is " + form.dataset.answer + ".", "quiz-verdict"),
                     copyOf(form.querySelector(".quiz-explanation"))]);
    form.classList.add("quiz-revealed");
  });
})();
