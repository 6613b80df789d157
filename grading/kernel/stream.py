"""The output stream of sandboxed kernels: output leaves in bounded pieces.

ipykernel gathers everything a cell prints and sends it every 0.2 s, so a cell
that prints a gigabyte in a tight loop sends it as one gigabyte-sized message,
seconds later, and the grader has to take it in whole before it can see that
the cell printed too much. :class:`BoundedOutStream` sends what is waiting as
soon as it reaches ``piece_chars`` characters (and splits longer writes), and
waits until the piece is on its way. The grader then sees the output grow
piece by piece, cuts it at its limit and interrupts the cell while it is still
printing.

This runs inside the student's kernel, so a student can replace it; it makes
the common case (a loop that prints too much) fast and cheap, and is not the
limit itself. The limit is the grader's: :class:`grading.execute.GuardedExecute`
keeps at most ``max_output_bytes`` per cell, whatever the kernel sends, and a
kernel that never answers runs into the cell timeout.
"""

from ipykernel.iostream import OutStream


class BoundedOutStream(OutStream):
    """An ``OutStream`` that flushes whenever ``piece_chars`` characters are waiting."""

    piece_chars = 64 * 1024

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._waiting = 0

    def write(self, string):
        if not isinstance(string, str):
            return super().write(string)  # the parent's TypeError
        for start in range(0, max(len(string), 1), self.piece_chars):
            piece = string[start:start + self.piece_chars]
            super().write(piece)
            self._waiting += len(piece)
            if self._waiting >= self.piece_chars:
                self.flush()
        return len(string)

    def flush(self):
        self._waiting = 0
        super().flush()
