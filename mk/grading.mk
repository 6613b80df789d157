# Exercises and grading (see README, "Exercises and grading"). From the repository root:
#   make release [NO_RUN=1]               check solutions/ (each run against its tests unless NO_RUN=1),
#                                         regenerate exercises/, print what changed (then commit both)
#   make check-release                    fail if exercises/ is not what solutions/ generates
#   make validate NB=path/to/notebook.ipynb  run a notebook as the grader does (its kernel, the released
#                                         tests), with whole messages; exit status 1 if a test fails,
#                                         2 if the file is not an exercise notebook
#   make student-copy DEST=../course-student   the copy students get: exercises/ and what validates them,
#                                         no solutions or hidden tests (a git repository)
#   make grade ASSIGNMENT=01-output-size  grade submitted/<student>/01-output-size/
#   make grade-all                        every assignment in one run (same as ASSIGNMENT=all)
#        [WORKERS=2]                      submissions graded at once (default: the number of cores)
#        [REGRADE=1]                      grade again what was graded before from the same files
#        [SCHEDULER=tcp://host:8786]      grade on a Dask cluster (README, "On a cluster")
#        [ZIP=submissions.zip]            ... after collecting an LMS download into submitted/
#        [LMS=moodle|canvas|blackboard]   how the download names students (default folders; docs/lms.md)
#        [ROSTER=class.csv]               the class list: who was expected (remembered for later runs)
#        [TIMEOUT=60] [STUDENT=alice]     per-cell time limit in seconds; one student only
#        [UNSAFE_NO_SANDBOX=1]            run submissions outside the sandbox (trusted notebooks only)
#   make class-report [ASSIGNMENT=name] [LANGUAGE=zh_CN]  after grading: class-report/index.html (what the
#                                         class got wrong, per test cell and setting; times) and class-report/*.csv
#   make test-grading                     the grading tests, tests/grading (about 5 minutes on 2 cores)
#   make bench-grading [STUDENTS=30] [CLUSTER=2]   class throughput against plain nbgrader (and on a local Dask cluster), where the time goes

.PHONY: release check-release validate student-copy grade grade-all class-report test-grading bench-grading

student-copy: setup
	@test -n "$(DEST)" || { echo "usage: make student-copy DEST=../course-student"; exit 2; }
	@$(BIN)/python -m grading student-copy "$(DEST)"

release: setup
	$(BIN)/python -m grading release $(if $(NO_RUN),--no-run) $(ASSIGNMENTS)

check-release: setup
	$(BIN)/python -m grading check-release

validate: setup
	@test -n "$(NB)" || { echo "usage: make validate NB=exercises/01-output-size/output_size.ipynb"; exit 2; }
	@$(BIN)/python -m grading validate "$(NB)" || { status=$$?; $(BIN)/python -c 'import sys; from grading.studentcopy import make_error_note; print(make_error_note(sys.argv[1]))' $$status; exit $$status; }

grade: setup
	@test -n "$(ASSIGNMENT)" || { \
	  echo "usage: make grade ASSIGNMENT=<name>|all [ZIP=file.zip] [TIMEOUT=seconds] [STUDENT=id] [WORKERS=n] [REGRADE=1]"; \
	  echo "assignments: $$(ls solutions | tr '\n' ' ')"; exit 2; }
	$(BIN)/python -m grading grade "$(ASSIGNMENT)" $(if $(ZIP),--zip "$(ZIP)") $(if $(LMS),--lms "$(LMS)") \
	  $(if $(ROSTER),--roster "$(ROSTER)") \
	  $(if $(TIMEOUT),--timeout $(TIMEOUT)) $(if $(STUDENT),--student "$(STUDENT)") \
	  $(if $(UNSAFE_NO_SANDBOX),--no-sandbox) $(if $(WORKERS),--workers $(WORKERS)) $(if $(REGRADE),--regrade) \
	  $(if $(SCHEDULER),--scheduler "$(SCHEDULER)")

grade-all:
	@$(MAKE) --no-print-directory grade ASSIGNMENT=all

# LANGUAGE only when given on make's command line (the environment's LANGUAGE is gettext's, e.g. en_US:en)
class-report: setup
	$(BIN)/python -m grading class-report $(or $(ASSIGNMENT),all) \
	  $(if $(filter command line,$(origin LANGUAGE)),--language "$(LANGUAGE)")

test-grading: setup
	$(BIN)/python -m pytest -q -n 2 --dist loadfile tests/grading

bench-grading: setup
	$(BIN)/python benchmarks/bench_grading.py --students $(or $(STUDENTS),30) $(if $(CLUSTER),--cluster $(CLUSTER))
