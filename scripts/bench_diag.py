"""scripts/bench: what one request of each scenario costs the database.

Runs the app in this process (Flask test client, same database), counts the SQL
statements of each request and EXPLAIN ANALYZEs its SELECTs, so a slow scenario
comes with the statement to blame."""
import json
import time

from sqlalchemy import event


def profile(app, token: str, requests: list[tuple[str, str, str, dict | None]], top: int = 3) -> list[dict]:
    """requests: (name, method, path, body): body None, a JSON body, or a list of two (one per
    attempt, e.g. a move and its way back). Each is sent twice; the second is measured."""
    from models.core.db import db

    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    report = []
    with app.app_context():
        engine = db.engine
    captured = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        captured.append(cursor.mogrify(statement, parameters).decode() if hasattr(cursor, "mogrify") and
                        not executemany else statement)

    event.listen(engine, "before_cursor_execute", capture)
    try:
        for name, method, path, body in requests:
            for attempt in range(2):
                captured.clear()
                started = time.perf_counter()
                response = client.open(path, method=method, headers=headers,
                                       json=body[attempt] if isinstance(body, list) else body)
                elapsed = (time.perf_counter() - started) * 1000
            statements = list(captured)
            entry = {"name": name, "method": method, "path": path, "status": response.status_code,
                     "in_process_ms": round(elapsed, 1), "queries": len(statements),
                     "statements": [s[:400] for s in statements]}
            if response.status_code >= 400:
                entry["body"] = response.get_data(as_text=True)[:300]
            entry["slowest"] = _explain(engine, statements, top)
            report.append(entry)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    return report


def _explain(engine, statements: list[str], top: int) -> list[dict]:
    plans = []
    with engine.connect() as conn:
        for sql in statements:
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")) or "%(" in sql:
                continue
            try:
                row = conn.execution_options(no_parameters=True).exec_driver_sql(
                    "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql).scalar()
            except Exception as error:  # a statement we cannot replay is reported, not fatal
                conn.rollback()
                plans.append({"sql": sql[:300], "error": str(error)[:200]})
                continue
            plan = row[0] if isinstance(row, list) else json.loads(row)[0]
            plans.append({"sql": sql[:600], "execution_ms": round(plan["Execution Time"], 2),
                          "plan": _outline(plan["Plan"])})
        conn.rollback()
    plans.sort(key=lambda p: -p.get("execution_ms", 0))
    return plans[:top]


def _outline(node: dict, depth: int = 0, lines=None) -> list[str]:
    lines = [] if lines is None else lines
    label = node["Node Type"] + (f" on {node['Relation Name']}" if "Relation Name" in node else "") + \
        (f" using {node['Index Name']}" if "Index Name" in node else "")
    extra = f" rows={node.get('Actual Rows')} loops={node.get('Actual Loops')} time={node.get('Actual Total Time')}ms"
    if "Filter" in node:
        extra += f" filter={node['Filter'][:120]} removed={node.get('Rows Removed by Filter')}"
    if "Sort Method" in node:
        extra += f" sort={node['Sort Method']}"
    lines.append("  " * depth + label + extra)
    for child in node.get("Plans", []):
        _outline(child, depth + 1, lines)
    return lines
