"""The cron expressions an export schedule accepts, as one regular expression that the
contract publishes and the server checks: five fields (minute hour day month weekday),
each `*`, a number, a range (`1-5`, `MON-FRI`), either with a `/step`, or a list of them.

Every expression it matches is one cronsim accepts and that falls due within a few years:
ranges run upwards, and a day of the month after the 28th (or `L`, the last day) is only
taken with every month (`*`), so that no schedule waits for a 30 February."""

from crm.http.patterns import Pattern

MONTHS = tuple("JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split())
WEEKDAYS = tuple("SUN MON TUE WED THU FRI SAT".split())


def _digits(low: int, high: int) -> str:
    return str(low) if low == high else f"[{low}-{high}]"


def _number(low: int, high: int) -> str:
    """The numbers from `low` to `high` (below 100), without leading zeros."""
    options = [_digits(low, min(high, 9))] if low <= 9 else []
    first_tens, last_tens = max(low // 10, 1), high // 10
    if first_tens <= last_tens and low > 9 and low % 10:
        options.append(
            f"{first_tens}{_digits(low % 10, 9 if first_tens < last_tens else high % 10)}"
        )
        first_tens += 1
    if first_tens < last_tens or (first_tens == last_tens and high % 10 == 9):
        full_tens = last_tens if high % 10 == 9 else last_tens - 1
        options.append(f"{_digits(first_tens, full_tens)}[0-9]")
        first_tens = full_tens + 1
    if first_tens == last_tens:
        options.append(f"{last_tens}{_digits(0, high % 10)}")
    return options[0] if len(options) == 1 else f"(?:{'|'.join(options)})"


def _ranges(low: int, high: int) -> list[str]:
    """`start-end` with `start` not after `end`: by tens, an end among the higher tens,
    or one in the same tens at or after the start."""
    ranges = []
    for tens in range(low // 10, high // 10 + 1):
        first, last = max(low, tens * 10), min(high, tens * 10 + 9)
        prefix = str(tens) if tens else ""
        if last < high:
            ranges.append(f"{prefix}{_digits(first % 10, last % 10)}-{_number(last + 1, high)}")
        ranges += [
            f"{prefix}{start % 10}-{prefix}{_digits(start % 10, last % 10)}"
            for start in range(first, last + 1)
        ]
    return ranges


def _field(low: int, high: int, names: tuple[str, ...] = (), extra: str = "") -> str:
    ranges = _ranges(low, high)
    ranges += [f"{name}-(?:{'|'.join(names[index:])})" for index, name in enumerate(names)]
    values = [*ranges, _number(low, high), *names]
    item = f"(?:\\*|{'|'.join(values)})(?:/{_number(1, 99)})?"
    if extra:
        item = f"(?:{item}|{extra})"
    return f"{item}(?:,{item})*"


MINUTE = _field(0, 59)
HOUR = _field(0, 23)
DAY_IN_EVERY_MONTH = _field(1, 28)
ANY_DAY = _field(1, 31, extra="L")
MONTH = _field(1, 12, MONTHS)
WEEKDAY = _field(0, 7, WEEKDAYS)

CRON = Pattern(f"^{MINUTE} {HOUR} (?:{DAY_IN_EVERY_MONTH} {MONTH}|{ANY_DAY} \\*) {WEEKDAY}$")
