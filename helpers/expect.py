"""Show an error a cell causes on purpose as one short line, instead of a traceback through library files.

    with expect_error(TypeError):
        client.images.create_variation(image=..., prompt="...")
    # prints: TypeError: Images.create_variation() got an unexpected keyword argument 'prompt'

Warnings raised inside the block are printed the same way, one line each, so no file path of the machine that
ran the notebook ends up in its outputs. If the expected error does not happen, the cell fails.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from helpers.messages import text


@contextmanager
def expect_error(*expected: type[BaseException]) -> Iterator[None]:
    """Run the block, print ``Name: message`` for the expected exception (and any warnings), and carry on."""
    kinds = expected or (Exception,)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            yield
        except kinds as error:
            for warning in caught:
                print(f"{warning.category.__name__}: {warning.message}")
            print(f"{type(error).__name__}: {error}")
            return
    say = text()
    names = say.expect_or.join(kind.__name__ for kind in kinds)
    raise AssertionError(say.expect_not_raised.format(names=names))
