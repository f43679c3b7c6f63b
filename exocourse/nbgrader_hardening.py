"""nbgrader preprocessors the course adds: a byte cap on outputs (nbgrader's LimitOutput counts only lines)."""

from __future__ import annotations

from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Integer

TRUNCATED = "\n… output truncated by the course: it was longer than {limit:,} bytes …\n"


class LimitOutputBytes(NbGraderPreprocessor):
    """Cap the total size of each code cell's outputs, so one 50 MB line cannot bloat the gradebook or feedback."""

    max_bytes = Integer(100_000, help="largest total output of one cell, in bytes (-1: no limit)").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        if self.max_bytes < 0 or cell.cell_type != "code":
            return cell, resources
        budget = self.max_bytes
        kept = []
        for output in cell.outputs:
            size = _size(output)
            if size <= budget:
                kept.append(output)
                budget -= size
                continue
            if output.output_type == "stream":  # keep the start of a long stream, then say it was cut
                output.text = output.text[: max(budget, 0)] + TRUNCATED.format(limit=self.max_bytes)
                kept.append(output)
            elif output.output_type == "error":
                output.traceback = [line[:2000] for line in output.traceback[:20]]
                output.evalue = output.evalue[:2000]
                kept.append(output)
            budget = 0
        cell.outputs = kept
        return cell, resources


def _size(output) -> int:
    if output.output_type == "stream":
        return len(output.text.encode("utf-8", "replace"))
    if output.output_type == "error":
        return sum(len(line) for line in output.get("traceback", [])) + len(output.get("evalue", ""))
    return sum(len(str(value)) for value in output.get("data", {}).values())
