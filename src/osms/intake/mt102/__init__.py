"""Streaming reader for Kazakh MT102 mass payment lists (R-F-1, SOURCES.md T8).

Layout: an optional envelope ``{1:F01<BIC>…}{2:I102…}{4:`` (the blocks may share a line or
have one each; a message may also start directly with ``:20:``), then sequence A once
(``:20:`` reference, ``:50:/D/`` payer IIK with ``/NAME/``, ``/IDN/`` payer BIN/IIN, ``:52B:``
payer bank, ``:57B:``, ``:59:`` with ``/NAME/ /IDN/``, ``:70:`` with ``/NUM/ /DATE/ /KNP/
/ASSIGN/`` …), sequence B once per person (``:21:`` line number, ``:32B:KZT6000,00``, ``:70:``
then ``/FM/ /NM/ /FT/ /DT/ /IDN/ /PERIOD/``), the trailer ``:32A:YYMMDDKZT<total>`` and ``-}``
(after which only ``{5:…}``-style trailer blocks may follow).  Lines may end in LF or CRLF;
surrounding spaces and a UTF-8 byte order mark are ignored; the text is UTF-8, Windows-1251 or
KZ-1048 (see :mod:`osms.intake._io`; :attr:`Mt102Reader.encoding` names the one used).

Variants read as well (R-F-1):

- ``/PERIOD/`` given once in sequence A (under its ``:70:``) is the period of every person
  block without its own (a block's empty ``/PERIOD/`` counts as none);
- a period of 5 digits is MYYYY, a month below 10 written without its leading zero
  (``/PERIOD/52025`` is May 2025: the number 052025 written as an integer);
- pre-2013 subfields with a double slash (``//FM/ //NM/ //FT/ //DT/ //IDN/`` ...) are read as
  the single-slash ones, in both sequences.

Streaming and the trailer
-------------------------

``paid_on`` of every line is the ``:32A:`` value date, and the ``:32A:`` line comes last.  The
reader therefore works on a *seekable* file (anything else is first copied to a temporary file,
in memory up to 8 MiB, then on disk) and reads in two steps:

1. :attr:`Mt102Reader.header` reads sequence A from the start, then seeks to the end of the file
   and reads the trailer from the last 64 KiB (:func:`read_trailer`), then seeks back.  The
   header thus carries ``paid_on`` and the declared total before any line is read.
2. :meth:`Mt102Reader.raw_lines` streams sequence B one person at a time (a generator; only the
   current person's few text lines are held), then reads the trailer again in the stream and
   checks it is the one read in step 1 and that the message ends properly.  Only then is
   :attr:`Mt102Reader.trailer` set.  Total reconciliation (R-L-7) is the register's job
   (:mod:`osms.intake.register`), after the stream.

Speed: a person block in the usual layout (below) is read, as it stands in the decoded text, by
one regular expression that also checks it is exactly that layout (no blank lines, no spaces
around any line or value), and validated by :class:`~osms.intake.validation.LineValidator`;
any other block goes through the general reader, line by line.  Both give the same lines::

    :21:<line number>
    :32B:KZT<amount>
    :70:
    /FM/<surname>         (each of /FM/ /NM/ /FT/ /DT/ optional, in this order)
    /NM/<given name>
    /FT/<patronymic>
    /DT/<birth date>
    /IDN/<IIN>
    /PERIOD/<MMYYYY>

Sequence B texts: subfields count only under ``:70:`` (``:70:/OPV/C``-style flags on the tag line
are ignored); other tags inside a person's block (``:50:``, ``:59:`` …) are kept in ``raw`` but
ignored.  A text line that is neither a tag nor a subfield continues the previous subfield
(SWIFT wraps ``:70:`` at 35 characters, so the pieces are joined without a separator).

Idempotency key (R-L-7, built by :func:`osms.registry.ledger.mt102_key`):
``mt102:<bank BIC>:<:20:>:<:21:>``, where the bank is the ``:52B:``
payer bank (an 11-character BIC ending in ``XXX`` is shortened to 8), else the BIC of the
``{1:}`` block, else the ``sender`` given by the caller.  ``:20:`` and ``:21:`` may not contain
``:`` or spaces, so keys cannot collide.  ``line_no`` is the position of the person's block
(1, 2, …), whatever ``:21:`` says.

The channel is :attr:`Channel.BANK_BRANCH` unless the caller passes another one or
sequence A's ``:70:`` carries the subfield ``/CHANNEL/<name>`` (an OSMS extension, not in the
bank layout).  The КНП of sequence A's ``/KNP/`` and its payer ``/IDN/`` apply to every line.

Not supported: several messages in one file (text after ``-}`` rejects the register).

The parts, one per module: :mod:`~osms.intake.mt102.header` (the envelope, sequence A and the
trailer), :mod:`~osms.intake.mt102.persons` (sequence B, one person's block),
:mod:`~osms.intake.mt102.reader` (the stream) and :mod:`~osms.intake.mt102.syntax` (tags,
subfields, key parts).
"""

from osms.intake.mt102.header import (
    TAIL_BYTES,
    Mt102Header,
    Mt102Party,
    Mt102Trailer,
    read_trailer,
)
from osms.intake.mt102.reader import Mt102Reader

__all__ = [
    "TAIL_BYTES",
    "Mt102Header",
    "Mt102Party",
    "Mt102Reader",
    "Mt102Trailer",
    "read_trailer",
]
