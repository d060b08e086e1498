"""The backup archive: an uncompressed tar holding `manifest.json` first, then one
gzip-compressed JSON-lines member per table, `<table>.jsonl.gz`, parents first.

Each line is one row, every column by name, values lossless in JSON: datetimes
ISO 8601 in UTC with their offset, dates and times ISO, Decimals as strings,
bytes as base64, JSON columns as JSON. Lines are canonical (sorted keys), so
equal rows give equal lines whenever they are written.

Then the organization's stored files the rows name (photos), each as
`files/<storage key>`, byte for byte (format version 2; version 1 archives have none).

The manifest names the format and version, the organization, when and at which
schema revision the backup was taken, per member its table, row count and the
SHA-256 of its bytes, and per file its key, size and SHA-256. The manifest's own SHA-256 is kept in the backup's
BackgroundJob row, so neither a member nor the manifest can change unnoticed."""
import base64
import gzip
import hashlib
import io
import json
import os
import shutil
import tarfile
import uuid
import zlib
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from decimal import Decimal
from pathlib import Path
from typing import Iterable, Iterator

from sqlalchemy import Date, DateTime, LargeBinary, Numeric, Table, Time, Uuid

from models.core.db import as_utc
from models.core import storage
from models.core.storage import sha256_of
from models.core.errors import Conflict

FORMAT = "fieldops-backup"
FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)  # 1: before stored files travelled
MANIFEST = "manifest.json"
CHUNK = 1 << 16


class ArchiveRejected(Conflict):
    """The archive cannot be trusted or does not fit this database; nothing was changed."""


# --- values ----------------------------------------------------------------

def encode_value(value):
    if isinstance(value, datetime):
        return as_utc(value).astimezone(timezone.utc).isoformat()
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (bytes, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def row_line(row) -> str:
    """One row (a mapping of column name to database value) as its canonical line."""
    return json.dumps({name: encode_value(value) for name, value in row.items()}, sort_keys=True,
                      separators=(",", ":"), ensure_ascii=False)


# By the column's SQLAlchemy type, the inverse of encode_value; other values stay as JSON gave them.
_DECODERS = ((DateTime, datetime.fromisoformat), (Date, date.fromisoformat), (Time, time.fromisoformat),
             (LargeBinary, base64.b64decode), (Uuid, uuid.UUID))


def _decoder(column):
    kind = getattr(column.type, "impl_instance", column.type)  # a TypeDecorator stores what its impl takes
    if isinstance(kind, Numeric) and kind.asdecimal:  # Float is a Numeric without Decimals
        return Decimal
    return next((decode for sql_type, decode in _DECODERS if isinstance(kind, sql_type)), None)


class RowDecoder:
    """Turns a line's values back into what the column takes."""

    def __init__(self, table: Table):
        self.table = table
        self.decoders = {column.name: _decoder(column) for column in table.columns}

    def __call__(self, data: dict) -> dict:
        unknown = set(data) - set(self.decoders)
        if unknown:
            raise ArchiveRejected(f"The archive's {self.table.name} rows have columns this database does not "
                                  f"have: {', '.join(sorted(unknown))}")
        return {name: value if value is None or self.decoders[name] is None else self.decoders[name](value)
                for name, value in data.items()}


# --- writing ---------------------------------------------------------------

@dataclass(frozen=True)
class Member:
    table: str
    rows: int
    sha256: str
    path: Path

    @property
    def file(self) -> str:
        return f"{self.table}.jsonl.gz"

    def describe(self) -> dict:
        return {"table": self.table, "file": self.file, "rows": self.rows, "sha256": self.sha256}


def write_member(directory: Path, table: str, lines: Iterable[str]) -> Member:
    path = directory / f"{table}.jsonl.gz"
    rows = 0
    with gzip.GzipFile(path, "wb", mtime=0) as stream:
        for line in lines:
            stream.write(line.encode("utf-8") + b"\n")
            rows += 1
    return Member(table, rows, sha256_of(path), path)


@dataclass(frozen=True)
class FileMember:
    """A stored file in the archive, taken from `path` (a hard link made in the snapshot)."""
    key: str
    size: int
    sha256: str
    path: Path

    @property
    def file(self) -> str:
        return f"files/{self.key}"

    def describe(self) -> dict:
        return {"key": self.key, "file": self.file, "size": self.size, "sha256": self.sha256}


def take_file(directory: Path, key: str) -> FileMember | None:
    """Pin a stored file for the archive: a hard link in `directory` (a copy where links are not
    possible), so a file replaced meanwhile is archived as it was. None when it is missing."""
    pinned = directory / "files" / key
    pinned.parent.mkdir(parents=True, exist_ok=True)
    try:
        try:
            os.link(storage.path_of(key), pinned)
        except OSError as exc:
            if isinstance(exc, FileNotFoundError):
                raise
            shutil.copyfile(storage.path_of(key), pinned)
    except FileNotFoundError:
        return None
    return FileMember(key, pinned.stat().st_size, sha256_of(pinned), pinned)


def write_archive(path: Path, manifest: dict, members: list[Member], mtime: float,
                  files: list[FileMember] = ()) -> str:
    """Write the tar; returns the SHA-256 of the manifest's bytes."""
    manifest_bytes = json.dumps({**manifest, "members": [m.describe() for m in members],
                                 "files": [f.describe() for f in files]}, indent=2, sort_keys=True).encode("utf-8")

    def entry(name: str, size: int) -> tarfile.TarInfo:
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = size, int(mtime), 0o644
        return info

    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as tar:
        tar.addfile(entry(MANIFEST, len(manifest_bytes)), io.BytesIO(manifest_bytes))
        for member in [*members, *files]:
            with open(member.path, "rb") as stream:
                tar.addfile(entry(member.file, member.path.stat().st_size), stream)
    return hashlib.sha256(manifest_bytes).hexdigest()


# --- reading ---------------------------------------------------------------

def _check_file_key(key: str) -> None:
    """An archive restores organizations' files only: never exports, backups or a path outside storage."""
    try:
        kind = storage.checked_key(key).split("/", 1)[0]
    except ValueError:
        kind = None
    if kind not in storage.ORGANIZATION_FILE_KINDS:
        raise ArchiveRejected(f"The archive holds a file it may not restore: {key!r}")


class _HashingReader:
    def __init__(self, raw):
        self.raw, self.digest = raw, hashlib.sha256()

    def read(self, size=-1):
        chunk = self.raw.read(size)
        self.digest.update(chunk)
        return chunk


class Archive:
    """An archive opened for a restore: `verify()` first, then `rows(table)`."""

    def __init__(self, path: Path):
        if not path.is_file():
            raise ArchiveRejected("The backup's archive file is missing from storage")
        try:
            self.tar = tarfile.open(path, "r:")
            self.manifest_bytes = self._open(MANIFEST).read()
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise ArchiveRejected(f"The archive is not readable: {exc}") from exc
        self.manifest: dict = {}

    def close(self) -> None:
        self.tar.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _open(self, name: str):
        try:
            stream = self.tar.extractfile(name)
        except KeyError:
            stream = None
        if stream is None:
            raise ArchiveRejected(f"The archive has no {name}")
        return stream

    def verify(self, *, manifest_sha256: str, organization_id: int, schema_revision: str | None,
               tables: list[str]) -> dict:
        """Check everything before anything is touched: the manifest is the one written
        with the backup, it is this organization's, taken at this schema revision,
        holds exactly these tables, and every member matches its SHA-256."""
        if hashlib.sha256(self.manifest_bytes).hexdigest() != manifest_sha256:
            raise ArchiveRejected("The archive's manifest was altered after the backup was taken")
        try:
            manifest = json.loads(self.manifest_bytes)
        except ValueError as exc:
            raise ArchiveRejected(f"The archive's manifest is not valid JSON: {exc}") from exc
        if manifest.get("format") != FORMAT or manifest.get("format_version") not in READABLE_VERSIONS:
            raise ArchiveRejected(f"Unknown archive format {manifest.get('format')!r} "
                                  f"version {manifest.get('format_version')!r}")
        if manifest["organization"]["id"] != organization_id:
            raise ArchiveRejected("The archive belongs to another organization")
        if manifest["schema_revision"] != schema_revision:
            raise ArchiveRejected(f"The archive was taken at schema revision {manifest['schema_revision']}, "
                                  f"the database is at {schema_revision}; restore it on a matching schema")
        members = {member["table"]: member for member in manifest["members"]}
        if set(members) != set(tables):
            raise ArchiveRejected(f"The archive's tables ({', '.join(sorted(members))}) differ from the ones "
                                  f"a backup holds now ({', '.join(sorted(tables))})")
        for entry in manifest.get("files", []):
            _check_file_key(entry["key"])
        for member in [*members.values(), *manifest.get("files", [])]:
            if sha256_of(self._open(member["file"])) != member["sha256"]:
                raise ArchiveRejected(f"The archive's {member['file']} does not match its checksum")
        self.manifest = manifest
        return manifest

    @property
    def files(self) -> list[dict]:
        """The stored files in the archive: {key, file, size, sha256} (none in a version 1 archive)."""
        return self.manifest.get("files", [])

    def extract_file(self, entry: dict, target: Path) -> None:
        """Write one stored file to `target`, checked again against its SHA-256 as it streams."""
        raw = _HashingReader(self._open(entry["file"]))
        with open(target, "wb") as out:
            shutil.copyfileobj(raw, out, CHUNK)
        if raw.digest.hexdigest() != entry["sha256"]:
            raise ArchiveRejected(f"The archive's {entry['file']} changed while it was being restored")

    def rows(self, table: str) -> Iterator[dict]:
        """The table's rows, values as stored in the archive (see RowDecoder). The member is
        checked again as it streams: a change since verify() raises at its end."""
        member = next(m for m in self.manifest["members"] if m["table"] == table)
        raw = _HashingReader(self._open(member["file"]))
        count = 0
        try:
            with io.TextIOWrapper(gzip.GzipFile(fileobj=raw, mode="rb"), encoding="utf-8") as lines:
                for line in lines:
                    count += 1
                    yield json.loads(line)
        except (OSError, EOFError, zlib.error, ValueError) as exc:
            raise ArchiveRejected(f"The archive's {member['file']} is not readable: {exc}") from exc
        while raw.read(CHUNK):
            pass
        if raw.digest.hexdigest() != member["sha256"] or count != member["rows"]:
            raise ArchiveRejected(f"The archive's {member['file']} changed while it was being restored")
