"""exocourse: the helper package of the exosome-medicine course.

One module per topic (biology, ...), plus shared pieces: data (tables and references), plots (the course
figure style), quiz (self-checks), grading (what assignment tests call) and manifest (course.yml).
Importing the package is cheap: heavy libraries (plotly, ipywidgets, pandas) load only when a function needs them.
"""

__version__ = "0.1.0"
