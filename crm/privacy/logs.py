"""Logs hold no personal data. The engines hide statement parameters
(`hide_parameters`); this keeps out the rows SQLAlchemy logs at DEBUG, which would carry
names and e-mail addresses whenever someone turns its logger up."""

import logging

ENGINE_LOGGER = "sqlalchemy.engine.Engine"


class NoResultRows(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Row ")


def keep_result_rows_out_of_logs() -> None:
    logger = logging.getLogger(ENGINE_LOGGER)
    if not any(isinstance(f, NoResultRows) for f in logger.filters):
        logger.addFilter(NoResultRows())
