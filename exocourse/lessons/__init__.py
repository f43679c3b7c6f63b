"""What learners run in the lessons: one module per topic (model and widget), the self-check, the timeline, the
course figure style, and the evaluation form. Imports only the core (exocourse.data, .paths, .errors, .answers,
.currency, .manifest); never grading or instructor code."""
