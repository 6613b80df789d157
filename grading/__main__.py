"""The teacher's commands (run from the repository root; `make grade` etc. call these).

    python -m grading release [ASSIGNMENT ...]     check solutions/, regenerate exercises/, say what changed
                  [--no-run]                    ... without running the solutions against their tests
    python -m grading check-release                 exit 1 if exercises/ is out of date
    python -m grading grade ASSIGNMENT [--zip FILE] grade a class end to end
    python -m grading grade all [--workers N]       every assignment, in one run
    python -m grading validate NOTEBOOK             run a notebook's tests; exit 1 if one fails
    python -m grading student-copy FOLDER           the exercises for students, without solutions or hidden tests
    python -m grading class-report [ASSIGNMENT]     what the class got wrong: class-report/index.html and CSVs
"""

from __future__ import annotations

import argparse
import os
import sys


def _positive(text):
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return value


def _parser():
    parser = argparse.ArgumentParser(prog="python -m grading", description=__doc__.split("\n\n")[0])
    parser.add_argument("--course-dir", default=".", help="the course root, where nbgrader_config.py is (default: .)")
    commands = parser.add_subparsers(dest="command", required=True)

    release = commands.add_parser("release", help="regenerate exercises/ from solutions/ (nbgrader generate_assignment)")
    release.add_argument("assignments", nargs="*", help="assignment names (default: all)")
    release.add_argument("--no-run", dest="run", action="store_false",
                         help="do not run the solutions against their visible and hidden tests (quicker; "
                              "the headings and test cells are still checked)")

    commands.add_parser("check-release", help="check that exercises/ is exactly what solutions/ generates")

    validate = commands.add_parser(
        "validate",
        help="run a notebook's test cells as nbgrader validate does; full messages, exit 1 if a test fails",
        description=(
            "Runs the notebook top to bottom in a fresh kernel, scores its test cells as nbgrader validate "
            "does, and prints each test cell's result with its whole error. Exit status: 0 when every test "
            "cell passes, 1 when one fails, 2 when the file is not an exercise notebook. The notebook is "
            "not changed."
        ),
    )
    validate.add_argument("notebook", help="path of the notebook, e.g. exercises/01-output-size/output_size.ipynb")

    copy = commands.add_parser(
        "student-copy",
        help="write the copy students get: exercises/, what validates them, no solution or hidden test",
        description=(
            "Writes FOLDER (a git repository with one commit): exercises/, grading/, nbgrader_config.py, "
            "requirements.txt, a Makefile (setup, lab, validate) and a README. Written again into the same "
            "folder, it replaces what it wrote before; a folder holding anything else is refused."
        ),
    )
    copy.add_argument("folder", help="where to write it, outside this repository")
    copy.add_argument("--no-git", action="store_true", help="a plain folder, not a git repository")

    grade = commands.add_parser(
        "grade",
        help="autograde one assignment, write feedback and grades.csv",
        description=(
            "Takes submissions from submitted/<student>/<ASSIGNMENT>/ (and from --zip files, collected "
            "there first), checks each notebook, autogrades, writes feedback/<student>/<ASSIGNMENT>/*.html "
            "and grades.csv, and prints a summary. Submissions are only read."
        ),
    )
    grade.add_argument("assignment", help="assignment name, a folder of solutions/, or 'all' for every assignment")
    grade.add_argument("--zip", action="append", default=[], metavar="FILE",
                       help="an LMS download (zip) of the submissions; may be repeated")
    grade.add_argument("--lms", default=None, choices=("folders", "moodle", "canvas", "blackboard"),
                       help="how --zip names students: folders (default, or $GRADING_LMS), moodle, canvas, "
                            "blackboard; see docs/lms.md")
    grade.add_argument("--roster", default=os.environ.get("GRADING_ROSTER") or None, metavar="CSV",
                       help="the class list (id,name,email, or the LMS's participants/grades export); "
                            "remembered for later runs")
    grade.add_argument("--student", action="append", default=[], metavar="ID",
                       help="grade only this student (may be repeated)")
    grade.add_argument("--timeout", type=_positive, default=None, metavar="SECONDS",
                       help="seconds a cell may run before it scores 0 (default: nbgrader_config.py, 30)")
    grade.add_argument("--kernel", default=None, metavar="NAME",
                       help="kernelspec that runs the submissions (default: the sandboxed kernel "
                            "'transposed-sandbox', or $GRADING_KERNEL)")
    grade.add_argument("--no-sandbox", dest="sandbox", action="store_false",
                       help="UNSAFE: run submissions with your own permissions, outside the sandbox "
                            "(only for notebooks you trust; also $GRADING_UNSAFE_NO_SANDBOX=1)")
    grade.add_argument("--student-time-limit", type=float, default=1800, metavar="SECONDS",
                       help="stop grading one submission after this long (default: 1800)")
    grade.add_argument("--nbgrader-arg", action="append", default=[], metavar="ARG",
                       help="pass a setting to nbgrader, e.g. --nbgrader-arg=--GuardedExecute.probe_timeout=5")
    grade.add_argument("--no-feedback", dest="feedback", action="store_false", help="skip the feedback HTML")
    grade.add_argument("--csv", default="grades.csv", help="where to export the grades (default: grades.csv)")
    grade.add_argument("--workers", type=_positive, default=os.cpu_count() or 1, metavar="N",
                       help="grade N submissions at once, each in its own sandboxed kernel "
                            "(default: the number of cores, %(default)s)")
    grade.add_argument("--regrade", action="store_true",
                       help="grade every submission again, also those already graded from the same files")
    grade.add_argument("--scheduler", default=os.environ.get("GRADING_SCHEDULER") or None, metavar="ADDRESS",
                       help="grade on a Dask cluster (tcp://host:8786) instead of this machine's cores")

    report = commands.add_parser(
        "class-report",
        help="after grading: the class's scores, pass rates, commonest failures and times on one page",
        description=(
            "Writes class-report/index.html (one self-contained page, a section per assignment) and "
            "class-report/*.csv with the same numbers, from the gradebook, the grader's records and the "
            "feedback. Only those files are replaced; nothing the grader reads is written."
        ),
    )
    report.add_argument("assignment", nargs="?", default="all", help="one assignment, or 'all' (the default)")
    report.add_argument("--language", default=None,
                        help="en (default, or $BOOK_LANGUAGE) or zh_CN: the words of the page")
    report.add_argument("--output", default=None, metavar="FOLDER", help="where to write it (default: class-report)")

    from .cluster import parser_for

    parser_for(commands)
    return parser


def main(argv=None):
    options = _parser().parse_args(argv)
    if options.command == "grade":
        options.zip = [os.path.abspath(path) for path in options.zip]
        options.roster = options.roster and os.path.abspath(options.roster)
        from .lms import choose_profile

        options.lms = choose_profile(options.lms)
    if options.command == "validate":
        options.notebook = os.path.abspath(options.notebook)
    if options.command == "student-copy":
        options.folder = os.path.abspath(options.folder)
    if options.command == "class-report" and options.output:
        options.output = os.path.abspath(options.output)
    root = os.path.abspath(options.course_dir)
    os.chdir(root)  # nbgrader reads nbgrader_config.py from the working directory
    if root not in sys.path:
        sys.path.insert(0, root)

    from .grade import ensure_tools_on_path

    ensure_tools_on_path()
    from .course import Course

    course = Course(root)
    if options.command == "fork-server":
        from .forkserver import serve

        return serve(course)
    if options.command == "release":
        from .release import release

        return release(course, options.assignments, run=options.run)
    elif options.command == "check-release":
        from .release import check_release, static_problems

        problems = static_problems(course, list(course.assignments)) + check_release(course)
        if problems:
            print("exercises/ is not what solutions/ generates:")
            for problem in problems:
                print("  " + problem)
            print("Run `make release` and commit exercises/.")
            return 1
        print(f"exercises/ matches solutions/ ({len(course.assignments)} assignments)")
    elif options.command == "validate":
        from .validate import validate

        return validate(course, options.notebook, sys.stdout)
    elif options.command == "student-copy":
        from .studentcopy import StudentCopyError, write_student_copy

        try:
            write_student_copy(course.root, options.folder, git=not options.no_git)
        except StudentCopyError as error:
            print(f"cannot write the student copy: {error}")
            return 2
    elif options.command == "class-report":
        from .classreport import ReportError, write_class_report

        names = list(course.assignments) if options.assignment == "all" else [
            course.assignment(options.assignment).name]
        try:
            write_class_report(course, names, options.language, options.output)
        except ReportError as error:
            print(f"cannot write the class report: {error}")
            return 2
    elif options.command == "grade":
        from .grade import grade_assignments
        from .preload import import_before_forking

        import_before_forking()  # each submission is graded in a forked child that inherits them

        from .sandbox import choose_kernel

        options.kernel = choose_kernel(options.kernel, options.sandbox)
        if options.kernel is None:
            return 2
        if options.assignment == "all":
            if options.zip:
                print("--zip collects one assignment's download: name the assignment, not 'all'")
                return 2
            names = list(course.assignments)
        else:
            names = [course.assignment(options.assignment).name]
        grade_assignments(course, names, options)
    return 0


if __name__ == "__main__":
    sys.exit(main())
