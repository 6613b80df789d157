/*
 * The compute core of the HTML book's transposed-convolution explorer: pure functions, no DOM.
 *
 * createCore(spec) takes the explorer spec (bookkit.explorer.browser.spec(), the object
 * _static/explorer-spec.js defines as window.TRANSPOSED_EXPLORER_SPEC) and returns what the
 * explorer computes from a configuration: the verdict (output size or first broken rule, a
 * line-for-line mirror of transpose_verdict in source_lib/verdict.py) and its refusal sentence
 * (refusal_sentence in bookkit/explain.py), the four steps' arrays, the captions, formula and
 * call text (explorer_state in bookkit/explorer/state.py), the step-through's gather and
 * scatter arrays, the words and highlights of its explanations, the step positions, and which
 * size class and cell roles the panels draw. Every word comes from the spec.
 *
 * The view (_static/transposed-explorer.js) builds the page from these results; it computes
 * nothing. The core runs the same in a page and in node (module.exports = createCore), where
 * tests/book/test_explorer_core.py checks it against Python and torch without a browser.
 * The book build serves it as _static/transposed-explorer-core.js (book/_ext/explorer_spec.py).
 */
(function (global) {
  "use strict";

  function createCore(SPEC) {
    if (!SPEC) { throw new Error("createCore needs the explorer spec (bookkit.explorer.browser.spec())"); }
    var CONTROLS = SPEC.controls;
    var DEFAULTS = SPEC.defaults;
    var VALUE_MODES = SPEC.values.map(function (option) { return option[0]; });
    var LABELS = SPEC.labels;
    var REFUSALS = SPEC.refusals;
    var IDLE = { mode: "idle", cell: null, pixel: null };

    // A sentence with its "{name}" fields filled in.
    function fill(template, fields) {
      return template.replace(/\{(\w+)\}/g, function (_, name) { return String(fields[name]); });
    }

    // "{name}" fields of a sentence of the spec's labels filled in.
    function words(key, fields) {
      return fill(LABELS[key], fields || {});
    }

    // ---------------------------------------------------------- arrays

    function filled(rows, cols, value) {
      var out = [];
      for (var i = 0; i < rows; i++) {
        out.push(new Array(cols).fill(value));
      }
      return out;
    }

    // counting: 1 + (i*W + j) % 9, row by row; ones: all ones.
    function defaultInput(height, width, values) {
      var out = filled(height, width, 1);
      if (values === "ones") { return out; }
      for (var i = 0; i < height; i++) {
        for (var j = 0; j < width; j++) { out[i][j] = 1 + (i * width + j) % 9; }
      }
      return out;
    }

    // Step 1: stride - 1 zeros between neighbouring rows and columns.
    function insertZeros(x, stride) {
      var h = x.length, w = x[0].length;
      var out = filled((h - 1) * stride + 1, (w - 1) * stride + 1, 0);
      for (var i = 0; i < h; i++) {
        for (var j = 0; j < w; j++) { out[i * stride][j * stride] = x[i][j]; }
      }
      return out;
    }

    // Step 2: border d(k-1)-p on every side plus output_padding at the bottom and
    // right; a negative amount crops. Cells outside x take the value `value`.
    function padForTranspose(x, cfg, value) {
      var border = cfg.dilation * (cfg.kernel_size - 1) - cfg.padding;
      var h = x.length, w = x[0].length;
      var rows = h + 2 * border + cfg.output_padding;
      var cols = w + 2 * border + cfg.output_padding;
      var out = filled(rows, cols, value);
      for (var i = 0; i < rows; i++) {
        for (var j = 0; j < cols; j++) {
          var si = i - border, sj = j - border;
          if (si >= 0 && si < h && sj >= 0 && sj < w) { out[i][j] = x[si][sj]; }
        }
      }
      return out;
    }

    // Step 3: upside down and left to right.
    function flipKernel(kernel) {
      return kernel.slice().reverse().map(function (row) { return row.slice().reverse(); });
    }

    // Step 4: slide the (dilated) kernel over x with stride 1, no padding.
    function correlate(x, kernel, dilation) {
      var k = kernel.length, reach = dilation * (k - 1);
      var rows = x.length - reach, cols = x[0].length - reach;
      var out = filled(rows, cols, 0);
      for (var i = 0; i < rows; i++) {
        for (var j = 0; j < cols; j++) {
          var sum = 0;
          for (var a = 0; a < k; a++) {
            for (var b = 0; b < k; b++) { sum += x[i + a * dilation][j + b * dilation] * kernel[a][b]; }
          }
          out[i][j] = sum;
        }
      }
      return out;
    }

    // ---------------------------------------------------------- the verdict

    // The output-size formula per axis (transpose_size_per_axis in source_lib/verdict.py).
    function sizePerAxis(size, k, s, p, d, op) {
      return size.map(function (n, axis) {
        return (n - 1) * s[axis] - 2 * p[axis] + d[axis] * (k[axis] - 1) + op[axis] + 1;
      });
    }

    // The output size of a transposed convolution or the first rule it breaks: a line-for-line
    // mirror of transpose_verdict in source_lib/verdict.py, the one place the rules are decided.
    // Arguments are [height, width] pairs; the result is {size, rule, values}, as the Python
    // Verdict's (rule null when torch accepts the configuration).
    function verdict(size, kernelSize, stride, padding, outputPadding, dilation) {
      var k = kernelSize, s = stride, p = padding, op = outputPadding, d = dilation;
      var out = sizePerAxis(size, k, s, p, d, op);
      var axes = ["height", "width"];
      function refused(rule, values) { return { size: out, rule: rule, values: values }; }
      var i, axis;
      if (Math.min(size[0], size[1]) < 1) { return refused("input_size", { value: size }); }
      var positive = [["kernel_size", k], ["stride", s], ["dilation", d]];
      for (i = 0; i < positive.length; i++) {
        if (Math.min(positive[i][1][0], positive[i][1][1]) < 1) {
          return refused("at_least_one", { name: positive[i][0], value: positive[i][1] });
        }
      }
      var nonNegative = [["padding", p], ["output_padding", op]];
      for (i = 0; i < nonNegative.length; i++) {
        if (Math.min(nonNegative[i][1][0], nonNegative[i][1][1]) < 0) {
          return refused("not_negative", { name: nonNegative[i][0], value: nonNegative[i][1] });
        }
      }
      var square = [k, s, p, op, d].every(function (pair) { return pair[0] === pair[1]; });
      for (axis = 0; axis < 2; axis++) {
        if (op[axis] >= s[axis] && op[axis] >= d[axis]) {
          return refused(square ? "output_padding" : "output_padding_axis", {
            axis: axes[axis], output_padding: op[axis], stride: s[axis], dilation: d[axis],
            largest: Math.max(s[axis], d[axis]) - 1 });
        }
      }
      for (axis = 0; axis < 2; axis++) {
        if (out[axis] < 1) {
          // per axis, the largest padding that leaves an output of at least one pixel
          var largest = sizePerAxis(size, k, s, [0, 0], d, op).map(function (n) { return Math.floor((n - 1) / 2); });
          var same = p[0] === p[1];
          return refused(same ? "crops" : "crops_axis", {
            axis: axes[axis], padding: p[axis], size: out[axis],
            largest: same ? Math.min(largest[0], largest[1]) : largest[axis],
            output_size: out, largest_padding: largest });
        }
      }
      return { size: out, rule: null, values: {} };
    }

    // The verdict on an explorer configuration (one channel, a square kernel).
    function configVerdict(cfg) {
      function pair(name) { return [cfg[name], cfg[name]]; }
      return verdict([cfg.height, cfg.width], pair("kernel_size"), pair("stride"), pair("padding"),
                     pair("output_padding"), pair("dilation"));
    }

    // ---------------------------------------------------------- words

    // "0", "0 or 1", "0 to 3" (allowed_values in bookkit/explain.py)
    function allowedValues(low, high) {
      var key = high <= low ? "one_value" : high === low + 1 ? "two_values" : "value_range";
      return fill(REFUSALS[key], { low: low, high: high });
    }

    // The sentence for a verdict's broken rule, or null (refusal_sentence in bookkit/explain.py).
    function refusalSentence(result) {
      if (result.rule === null) { return null; }
      var fields = {};
      Object.keys(result.values).forEach(function (name) {
        var value = result.values[name];
        if (name === "largest") {
          fields.values = allowedValues(0, value);
        } else if (name === "axis") {
          fields[name] = REFUSALS[value];
        } else if (Array.isArray(value)) {
          fields[name] = value[0] === value[1] ? String(value[0]) : "(" + value[0] + ", " + value[1] + ")";
        } else {
          fields[name] = value;
        }
      });
      return fill(REFUSALS[result.rule], fields);
    }

    // The refusal sentence of bookkit/explain.py (explain_refusal), or null.
    function explain(config) {
      return refusalSentence(configVerdict(normalise(config)));
    }

    // size_formula in bookkit/explorer/state.py; `out` is the verdict's size on this axis.
    function sizeFormula(cfg, axis, out) {
      return fill(LABELS.formula, {
        letter: axis === "height" ? "H" : "W", size: cfg[axis], stride: cfg.stride, padding: cfg.padding,
        dilation: cfg.dilation, kernel_size: cfg.kernel_size, output_padding: cfg.output_padding,
        out: out });
    }

    function callString(cfg) {
      var parts = ["kernel_size=" + cfg.kernel_size, "stride=" + cfg.stride, "padding=" + cfg.padding];
      if (cfg.output_padding !== 0) { parts.push("output_padding=" + cfg.output_padding); }
      if (cfg.dilation !== 1) { parts.push("dilation=" + cfg.dilation); }
      return "nn.ConvTranspose2d(1, 1, " + parts.join(", ") + ", bias=False)";
    }

    // panel_titles in bookkit/explorer/state.py
    function panelTitles(cfg) {
      var border = cfg.dilation * (cfg.kernel_size - 1) - cfg.padding;
      return [
        LABELS.title_input,
        fill(LABELS[cfg.stride - 1 === 1 ? "title_zeros_one" : "title_zeros"], { count: cfg.stride - 1 }),
        fill(LABELS[cfg.output_padding ? "title_pad_extra" : "title_pad"], { border: border, extra: cfg.output_padding }),
        LABELS.title_flip,
        fill(LABELS[cfg.dilation === 1 ? "title_convolve" : "title_convolve_dilation"], { dilation: cfg.dilation })
      ];
    }

    // The status line: the output size, or torch's refusal.
    function status(state) {
      return state.message === null ?
        words("output_size", { height: state.output_size[0], width: state.output_size[1] }) :
        words("refusal", { message: state.message });
    }

    // ---------------------------------------------------------- state

    function normalise(config) {
      var cfg = {};
      Object.keys(DEFAULTS).forEach(function (name) { cfg[name] = DEFAULTS[name]; });
      Object.keys(config || {}).forEach(function (name) {
        if (!(name in DEFAULTS)) {
          throw new Error("unknown explorer setting " + name + "; the settings are " +
            Object.keys(DEFAULTS).join(", "));
        }
        cfg[name] = config[name];
      });
      CONTROLS.forEach(function (control) {
        var value = Number(cfg[control[0]]);
        if (!Number.isInteger(value)) {
          throw new TypeError(control[0] + " must be an integer, got " + cfg[control[0]]);
        }
        cfg[control[0]] = value;
      });
      if (VALUE_MODES.indexOf(cfg.values) < 0) {
        throw new Error("values must be " + VALUE_MODES.join(" or ") + ", got " + cfg.values);
      }
      return cfg;
    }

    // Everything the explorer shows for one configuration (explorer_state in
    // bookkit/explorer/state.py): message, sizes, formula, call and the five grids.
    function compute(config) {
      var cfg = normalise(config);
      var decided = configVerdict(cfg);  // the one decision on this configuration
      var state = {
        config: cfg,
        message: refusalSentence(decided),
        output_size: decided.size,
        formula: [sizeFormula(cfg, "height", decided.size[0]), sizeFormula(cfg, "width", decided.size[1])],
        call: callString(cfg),
        titles: panelTitles(cfg)
      };
      if (state.message !== null) { return state; }
      var x = defaultInput(cfg.height, cfg.width, cfg.values);
      var kernel = defaultInput(cfg.kernel_size, cfg.kernel_size, cfg.values);
      state.input = x;
      state.kernel = kernel;
      state.zeros_inserted = insertZeros(x, cfg.stride);
      state.padded = padForTranspose(state.zeros_inserted, cfg, 0);
      state.flipped_kernel = flipKernel(kernel);
      state.output = correlate(state.padded, state.flipped_kernel, cfg.dilation);
      // Where each cell came from: 2 = input value, 1 = inserted zero, 0 = padding.
      var marker = insertZeros(filled(cfg.height, cfg.width, 2), cfg.stride).map(function (row) {
        return row.map(function (v) { return v === 2 ? 2 : 1; });
      });
      var names = ["padding", "inserted", "value"];
      state.roles_zeros = marker.map(function (row) { return row.map(function (v) { return names[v]; }); });
      state.roles_padded = padForTranspose(marker, cfg, 0).map(function (row) {
        return row.map(function (v) { return names[v]; });
      });
      // The same two grids before padding crops anything (padding 0): what the
      // panels draw, with the outer `crop` rows and columns greyed out.
      var uncropped = Object.assign({}, cfg, { padding: 0 });
      state.crop = cfg.padding;
      state.padded_full = padForTranspose(state.zeros_inserted, uncropped, 0);
      state.roles_padded_full = padForTranspose(marker, uncropped, 0).map(function (row) {
        return row.map(function (v) { return names[v]; });
      });
      state.output_full = correlate(state.padded_full, state.flipped_kernel, cfg.dilation);
      return state;
    }

    // ---------------------------------------------------------- what the panels draw

    // Smaller cells for larger grids (grid_size_class in bookkit/explorer/html.py),
    // one size for every panel of a setting: the size of its largest grid, step 2
    // drawn with the rows and columns padding crops. "" or a class name.
    function sizeClass(state) {
      var grid = state.padded_full;
      var largest = Math.max(grid.length, grid[0].length);
      return largest <= SPEC.cells.small_above ? "" : largest <= SPEC.cells.tiny_above ? "tce-small" : "tce-tiny";
    }

    function everywhere(grid, role) {
      return grid.map(function (row) { return row.map(function () { return role; }); });
    }

    // The role a drawn cell of step 2 or of the output shows: "cropped" for the
    // outer `crop` rows and columns, "output_padding" for the padding (or output)
    // cells in the last output_padding rows and columns that remain, else its own.
    function drawnRoles(roles, crop, extra) {
      var rows = roles.length, cols = roles[0].length;
      return roles.map(function (row, r) {
        return row.map(function (role, c) {
          if (r < crop || c < crop || r >= rows - crop || c >= cols - crop) { return "cropped"; }
          var band = r >= rows - crop - extra || c >= cols - crop - extra;
          return band && (role === "padding" || role === "output") ? "output_padding" : role;
        });
      });
    }

    // The five panels of an accepted state, in order: name, caption, the grid drawn (step 2
    // and the output with the rows and columns padding crops), each cell's role, and the
    // offset of the computed grid inside the drawn one.
    function panels(state) {
      var crop = state.crop, extra = state.config.output_padding;
      var drawn = {
        input: [state.input, everywhere(state.input, "value"), 0],
        zeros_inserted: [state.zeros_inserted, state.roles_zeros, 0],
        padded: [state.padded_full, drawnRoles(state.roles_padded_full, crop, extra), crop],
        flipped_kernel: [state.flipped_kernel, everywhere(state.flipped_kernel, "kernel"), 0],
        output: [state.output_full, drawnRoles(everywhere(state.output_full, "output"), crop, extra), crop]
      };
      return SPEC.panels.map(function (name, index) {
        var grid = state[name];
        return {
          name: name, grid: drawn[name][0], roles: drawn[name][1], offset: drawn[name][2],
          caption: words("panel_caption", { title: state.titles[index], rows: grid.length, cols: grid[0].length })
        };
      });
    }

    // The label a chooseable cell (an input pixel or an output cell) reads out.
    function cellLabel(panel, i, j, value) {
      return words(panel === "output" ? "output_cell" : "input_cell", { i: i, j: j, value: value });
    }

    // ---------------------------------------------------------- step-through

    // How output cell out[i][j] is gathered in step 4: the k×k taps of the
    // flipped kernel over the padded grid. `window` lists every tap as
    // [row, col] in the padded grid and [row, col] in the flipped kernel;
    // `terms` the taps that meet an input value (the others multiply an
    // inserted zero or padding), each as input pixel x[m][n] times kernel tap
    // w[a][b] of the unflipped kernel, with the numbers.
    function gather(state, i, j) {
      var cfg = state.config, k = cfg.kernel_size, d = cfg.dilation, s = cfg.stride;
      var border = d * (k - 1) - cfg.padding;
      var result = { i: i, j: j, value: state.output[i][j], window: [], terms: [], zeros: 0 };
      for (var fa = 0; fa < k; fa++) {
        for (var fb = 0; fb < k; fb++) {
          var r = i + fa * d, c = j + fb * d;
          result.window.push({ padded: [r, c], tap: [fa, fb] });
          if (state.roles_padded[r][c] !== "value") { result.zeros += 1; continue; }
          var m = (r - border) / s, n = (c - border) / s, a = k - 1 - fa, b = k - 1 - fb;
          var xv = state.input[m][n], wv = state.kernel[a][b];
          result.terms.push({ x: [m, n], w: [a, b], padded: [r, c], tap: [fa, fb],
                              x_value: xv, w_value: wv, product: xv * wv });
        }
      }
      return result;
    }

    // The stamp input pixel x[i][j] scatters: x[i][j]·w[a][b] added to
    // out[i·s + a·d − p][j·s + b·d − p] for every kernel tap; `cropped` marks
    // the cells that padding crops away.
    function scatter(state, i, j) {
      var cfg = state.config, k = cfg.kernel_size, d = cfg.dilation, s = cfg.stride, p = cfg.padding;
      var value = state.input[i][j];
      var result = { i: i, j: j, value: value, terms: [], cropped: 0 };
      for (var a = 0; a < k; a++) {
        for (var b = 0; b < k; b++) {
          var oi = i * s + a * d - p, oj = j * s + b * d - p;
          var cropped = oi < 0 || oj < 0 || oi >= state.output_size[0] || oj >= state.output_size[1];
          if (cropped) { result.cropped += 1; }
          result.terms.push({ out: [oi, oj], w: [a, b], x_value: value, w_value: state.kernel[a][b],
                              product: value * state.kernel[a][b], cropped: cropped });
        }
      }
      return result;
    }

    // The explanation of gathering out[i][j] as data the view writes out: `mode` (the
    // sentence above), the sum (`head`, `symbols`, one `terms` entry per product that is not
    // zero with its data attributes, `total`), `zeros` (the sentence on the zero products, or
    // null) and `marks` ([panel, i, j, highlight] per cell to outline, in computed-grid indices).
    function explainGather(state, i, j) {
      var result = gather(state, i, j);
      var cfg = state.config;
      var marks = [["output", i, j, "current"]];
      result.window.forEach(function (tap) {
        marks.push(["padded", tap.padded[0], tap.padded[1], "window"]);
        marks.push(["flipped_kernel", tap.tap[0], tap.tap[1], "window"]);
      });
      result.terms.forEach(function (t) {
        marks.push(["padded", t.padded[0], t.padded[1], "hit"]);
        marks.push(["flipped_kernel", t.tap[0], t.tap[1], "hit"]);
        marks.push(["input", t.x[0], t.x[1], "hit"]);
        marks.push(["zeros_inserted", t.x[0] * cfg.stride, t.x[1] * cfg.stride, "hit"]);
      });
      var n = i * state.output_size[1] + j;
      return {
        result: result,
        marks: marks,
        mode: words("gather", { n: n + 1, count: state.output_size[0] * state.output_size[1] }),
        head: "out[" + i + "," + j + "] = ",
        symbols: result.terms.length ? result.terms.map(function (t) {
          return "x[" + t.x[0] + "," + t.x[1] + "]·w[" + t.w[0] + "," + t.w[1] + "]";
        }).join(" + ") + " = " : "",
        terms: result.terms.map(function (t) {
          return { text: t.x_value + "·" + t.w_value, data: {
            "data-x": t.x.join(","), "data-w": t.w.join(","),
            "data-x-value": String(t.x_value), "data-w-value": String(t.w_value) } };
        }),
        separator: " + ",
        total: String(result.value),
        zeros: result.zeros ? words(result.terms.length ? "gather_zeros" : "gather_all_zeros",
                                    { zeros: result.zeros }) : null
      };
    }

    // The explanation of the stamp x[i][j] scatters, as data: `mode` (the sentence), one
    // `terms` entry per output cell it adds to (with its data attributes) and `marks`.
    function explainScatter(state, i, j) {
      var result = scatter(state, i, j);
      var cfg = state.config, reach = cfg.dilation * (cfg.kernel_size - 1) - cfg.padding;
      var marks = [["input", i, j, "current"], ["zeros_inserted", i * cfg.stride, j * cfg.stride, "current"],
                   ["padded", i * cfg.stride + reach, j * cfg.stride + reach, "current"]];
      state.flipped_kernel.forEach(function (row, a) {
        row.forEach(function (_, b) { marks.push(["flipped_kernel", a, b, "hit"]); });
      });
      result.terms.forEach(function (t) { marks.push(["output", t.out[0], t.out[1], "hit"]); });
      var sentence = words("scatter", { i: i, j: j, value: result.value, count: result.terms.length });
      if (result.cropped) { sentence += " " + words("scatter_cropped", { cropped: result.cropped }); }
      return {
        result: result,
        marks: marks,
        mode: sentence,
        terms: result.terms.map(function (t) {
          return { text: "out[" + t.out[0] + "," + t.out[1] + "] += x[" + i + "," + j + "]·w[" + t.w[0] + "," +
                     t.w[1] + "] = " + t.x_value + "·" + t.w_value + " = " + t.product, data: {
            "data-out": t.out.join(","), "data-w": t.w.join(","), "data-x-value": String(t.x_value),
            "data-w-value": String(t.w_value), "data-cropped": t.cropped ? "true" : "false" } };
        }),
        separator: "; "
      };
    }

    // The step-through's position: {mode: "idle" | "gather" | "scatter", cell, pixel}.
    // Gathering goes through the output cells row by row; index -1 is idle.
    function stepIndex(stepper, state) {
      return stepper.mode === "gather" ? stepper.cell[0] * state.output_size[1] + stepper.cell[1] : -1;
    }

    function stepAt(index, state) {
      var width = state.output_size[1];
      return index < 0 ? IDLE : { mode: "gather", cell: [Math.floor(index / width), index % width], pixel: null };
    }

    function stepCount(state) { return state.output_size[0] * state.output_size[1]; }

    // After Step: the next output cell (the last one stays).
    function nextStep(stepper, state) {
      var next = stepIndex(stepper, state) + 1;
      return next < stepCount(state) ? stepAt(next, state) : stepper;
    }

    // After Back: the previous output cell, or idle.
    function previousStep(stepper, state) {
      return stepAt(stepper.mode === "gather" ? stepIndex(stepper, state) - 1 : -1, state);
    }

    function isLastStep(stepper, state) { return stepIndex(stepper, state) === stepCount(state) - 1; }

    // The stepper for choosing an output cell (gather) or an input pixel (scatter); an error
    // names a cell outside its grid.
    function chosen(state, panel, i, j) {
      if (panel !== "output" && panel !== "input") { throw new Error("choose() takes output or input, got " + panel); }
      var size = panel === "output" ? state.output_size : [state.input.length, state.input[0].length];
      if (!(i >= 0 && j >= 0 && i < size[0] && j < size[1])) {
        throw new Error(panel + " cell [" + i + "," + j + "] is outside the " + size[0] + "×" + size[1] + " grid");
      }
      return panel === "output" ? { mode: "gather", cell: [i, j], pixel: null } :
        { mode: "scatter", cell: null, pixel: [i, j] };
    }

    // The stepper after the configuration changed: kept when its cell or pixel still exists.
    function keptStep(stepper, state) {
      if (state.message !== null) { return IDLE; }
      function inside(cell, size) { return cell[0] < size[0] && cell[1] < size[1]; }
      var keep = stepper.mode === "gather" ? inside(stepper.cell, state.output_size) :
        stepper.mode === "scatter" ? inside(stepper.pixel, [state.input.length, state.input[0].length]) : true;
      return keep ? stepper : IDLE;
    }

    return {
      CONTROLS: CONTROLS,
      DEFAULTS: DEFAULTS,
      IDLE: IDLE,
      fill: fill,
      words: words,
      normalise: normalise,
      verdict: verdict,
      configVerdict: configVerdict,
      allowedValues: allowedValues,
      refusalSentence: refusalSentence,
      explain: explain,
      sizeFormula: sizeFormula,
      callString: callString,
      panelTitles: panelTitles,
      status: status,
      compute: compute,
      sizeClass: sizeClass,
      drawnRoles: drawnRoles,
      panels: panels,
      cellLabel: cellLabel,
      gather: gather,
      scatter: scatter,
      explainGather: explainGather,
      explainScatter: explainScatter,
      stepIndex: stepIndex,
      stepCount: stepCount,
      stepAt: stepAt,
      nextStep: nextStep,
      previousStep: previousStep,
      isLastStep: isLastStep,
      chosen: chosen,
      keptStep: keptStep
    };
  }

  if (typeof module === "object" && module.exports) {
    module.exports = createCore;
  } else {
    global.transposedExplorerCore = createCore;
  }
})(typeof globalThis !== "undefined" ? globalThis : this);
