"""The SQLAlchemy base, the engine and the request-scoped session.

Reads run without a transaction on PostgreSQL: at READ COMMITTED each statement sees its
own snapshot anyway, so BEGIN and ROLLBACK around a GET would only cost two round trips.
A GET that writes (an API key's last use) commits each statement on its own.

SQLite has one writer at a time. A transaction that may write begins with BEGIN IMMEDIATE,
taking the write lock first and waiting for it (`busy_timeout`): begun as a reader, it
could not wait when it came to write while another writer held the lock, and would fail
at once with "database is locked" (concurrent PATCHes with the same ETag got 500s instead
of one winner and 412s). Requests that only read (GET, HEAD, OPTIONS) begin as readers.
"""

import time
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, current_app, g, has_request_context, request
from sqlalchemy import Executable, MetaData, Table, create_engine, event, exc, select
from sqlalchemy.engine import Connection, Engine, Result
from sqlalchemy.orm import DeclarativeBase, Session, object_session, sessionmaker

# Deterministic constraint names, so that migrations can name what they drop.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# A pooled connection idle for longer is pinged before use: restarts, failovers and
# firewalls drop idle connections. One in steady use is not (a ping is a round trip).
PING_WHEN_IDLE_FOR = 10.0  # seconds
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def make_engine(url: str, **options: Any) -> Engine:
    if not url.startswith("sqlite"):
        engine = create_engine(url, hide_parameters=True, **options)
        _ping_when_idle(engine)
        return engine
    engine = create_engine(url, hide_parameters=True)

    @event.listens_for(engine, "connect")
    def _configure_sqlite(dbapi_connection, _record):
        # Let SQLAlchemy, not pysqlite, decide when transactions begin, so that
        # savepoints work; and make SQLite enforce foreign keys.
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA foreign_keys = ON")
        dbapi_connection.execute("PRAGMA busy_timeout = 5000")
        # What is deleted or overwritten is zeroed in the file, not left in free pages:
        # an erased person must not be readable from the database file.
        dbapi_connection.execute("PRAGMA secure_delete = ON")

    @event.listens_for(engine, "begin")
    def _begin(connection):
        reads_only = has_request_context() and request.method in SAFE_METHODS
        connection.exec_driver_sql("BEGIN" if reads_only else "BEGIN IMMEDIATE")

    return engine


def _ping_when_idle(engine: Engine) -> None:
    @event.listens_for(engine, "checkin")
    def _idle_from(_dbapi_connection, record) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _alive(dbapi_connection, record, _proxy) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < PING_WHEN_IDLE_FOR:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            # The pool drops this connection and checks out another (or a new one).
            raise exc.DisconnectionError() from error


def _reading(engine: Engine) -> Engine:
    """An engine for requests that only read: on PostgreSQL, one whose connections run
    without a transaction (their own pool: switching a shared connection to autocommit
    and back on every checkout cost a tenth of a get by id); elsewhere `engine`."""
    if engine.dialect.name != "postgresql":
        return engine
    return make_engine(
        engine.url.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT"
    )


def run(statement: Executable, **parameters: Any) -> Result:
    """A statement built once (its parameters bound by name) on the request's connection,
    past the ORM: for the statements every request runs, where building the statement,
    its cache key and ORM rows would cost more than the query."""
    return db.session.connection().execute(statement, parameters)


# Rows from which an insert goes by COPY on PostgreSQL (`insert_rows`).
COPY_FROM = 50


def insert_rows(
    connection: Connection, table: Table, rows: list[Mapping[str, Any]], **same: Any
) -> None:
    """Inserts rows (all with the same keys) in their order, with the values `same`
    (SQL the database computes) in every row. Many rows on PostgreSQL go by COPY, each
    value bound as SQLAlchemy binds it: psycopg's executemany sends one INSERT per row,
    which costs the server two to three times what COPY does (audit and change events),
    and this process the pipeline's handling of each row. A few rows go as INSERTs: COPY
    costs a round trip more. The sequence hands out positions in the rows' order."""
    if not rows:
        return
    dialect = connection.dialect
    if dialect.name != "postgresql" or len(rows) < COPY_FROM:
        connection.execute(table.insert().values(**same), rows)
        return
    if same:
        computed = connection.execute(select(*same.values())).one()
        rows = [{**row, **dict(zip(same, computed, strict=True))} for row in rows]
    names = list(rows[0])
    processors = [
        table.c[name].type.dialect_impl(dialect).bind_processor(dialect) or _unchanged
        for name in names
    ]
    quoted = dialect.identifier_preparer
    columns = ", ".join(quoted.quote(name) for name in names)
    statement = f"COPY {quoted.format_table(table)} ({columns}) FROM STDIN"
    converters = list(zip(names, processors, strict=True))
    cursor = connection.connection.driver_connection.cursor()
    with cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([process(row[name]) for name, process in converters])


def _unchanged(value: Any) -> Any:
    return value


def flush_record(record: Any) -> None:
    """Flushes the session of `record`, if it is in one: a new record that an import
    stores with the others of its batch (crm.imports.storing) joins the session then."""
    session = object_session(record)
    if session is not None:
        session.flush()


class Database:
    """Binds an engine to an app and hands out one session per app context: for
    safe methods (GET, HEAD, OPTIONS) one that reads without a transaction.

    A request that writes is committed once, at the HTTP boundary, after its response is
    built (`_commit_the_request`): views and services only flush. So the response is read
    in the write's own transaction, and what is stored with it (the response kept for an
    `Idempotency-Key`) commits with the change or not at all: a connection lost on the
    way never leaves a change committed whose answer is lost.
    """

    def init_app(self, app: Flask) -> None:
        engine = make_engine(app.config["DATABASE_URL"])
        reading = _reading(engine)
        app.extensions["crm.engine"] = engine
        app.extensions["crm.engines"] = {engine, reading}
        app.extensions["crm.sessionmaker"] = sessionmaker(engine, expire_on_commit=False)
        app.extensions["crm.read_sessionmaker"] = sessionmaker(reading, expire_on_commit=False)
        app.after_request(self._commit_the_request)
        app.teardown_appcontext(self._close_session)

    @staticmethod
    def dispose(app: Flask) -> None:
        """Close the app's pooled connections (before its database goes away)."""
        for engine in app.extensions["crm.engines"]:
            engine.dispose()

    @property
    def session(self) -> Session:
        if "db_session" not in g:
            reads_only = has_request_context() and request.method in SAFE_METHODS
            maker = "crm.read_sessionmaker" if reads_only else "crm.sessionmaker"
            g.db_session = current_app.extensions[maker]()
        return g.db_session

    def rollback(self) -> None:
        """Undo whatever the request has written so far (on any error)."""
        if "db_session" in g:
            g.db_session.rollback()

    @staticmethod
    def _commit_the_request(response: Response) -> Response:
        """Commits a successful request's writes; an error answer has rolled them back.
        A commit that fails is answered like any error, through the one error path."""
        session = g.get("db_session")
        if session is None or not session.in_transaction():
            return response
        if response.status_code >= 400:
            session.rollback()
            return response
        try:
            session.commit()
        except Exception as error:  # answered by the app's error handlers, which roll back
            return current_app.make_response(current_app.handle_user_exception(error))
        return response

    @staticmethod
    def _close_session(_exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()


db = Database()
