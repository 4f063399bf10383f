"""CLI faces of the library: `managed`, `templates`, `permissions` and `diff`.

Each handler takes the parsed arguments and the output streams and returns the exit status:
0 on success, 2 for a usage error (unknown name, bad parameter, unreadable file, a policy
file over 200,000 characters).  Text output and messages show terminal control characters
(from policy files, file names and arguments) as visible escapes; JSON output writes them as
JSON escapes (`ssm_tui.report.dumps`).
"""

from __future__ import annotations

import argparse
import difflib
from typing import TYPE_CHECKING, Any, TextIO

from ssm_tui.cli.common import (
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
    read_policy_source,
    write_json,
    write_lines,
)
from ssm_tui.iam.catalog import ACCESS_LEVELS, closest
from ssm_tui.textsafe import escape_control

if TYPE_CHECKING:
    from ssm_tui.access.permissions import EffectivePermissions, PermissionDiff
    from ssm_tui.library.managed import ManagedPolicy


def _unknown(kind: str, name: str, choices: list[str], err: TextIO) -> int:
    guesses = closest(name, choices, 3)
    hint = f"; did you mean {', '.join(guesses)}?" if guesses else ""
    print(escape_control(f"ssm-tui: no {kind} named {name!r}{hint}"), file=err)
    return EXIT_USAGE


# --- permissions -------------------------------------------------------------------------
def _permission_lines(permissions: EffectivePermissions, indent: str = "") -> list[str]:
    lines = []
    counts = permissions.counts_by_access_level()
    total = sum(counts.values())
    widest = max(counts.values(), default=0) or 1
    lines.append(f"{indent}{total:,} actions allowed")
    for level in ACCESS_LEVELS:
        count = counts.get(level, 0)
        bar = "#" * max(1 if count else 0, round(24 * count / widest))
        lines.append(f"{indent}  {level:<24} {count:>6,}  {bar}")
    for service, levels in permissions.by_service().items():
        lines.append(f"{indent}{service}")
        for level, names in levels.items():
            shown = ", ".join(name.split(":", 1)[1] for name in names[:12])
            more = f" and {len(names) - 12} more" if len(names) > 12 else ""
            lines.append(f"{indent}  {level} ({len(names)}): {shown}{more}")
    for index, reason in permissions.grants_nothing:
        lines.append(f"{indent}statement {index + 1} grants nothing: {reason}")
    return lines


def _diff_lines(diff: PermissionDiff) -> list[str]:
    lines = []
    for title, groups in (("gained", diff.gained), ("lost", diff.lost)):
        total = sum(len(names) for names in groups.values())
        lines.append(f"{title}: {total:,} actions")
        for level in ACCESS_LEVELS:
            names = groups.get(level, [])
            if names:
                lines.append(f"  {level} ({len(names)}): {', '.join(names)}")
    return lines


def run_permissions(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ssm_tui.access.permissions import effective_permissions

    prog = "ssm-tui permissions"
    try:
        source = read_policy_source(args.path)
    except UsageError as exc:
        print(f"{prog}: {escape_control(str(exc))}", file=err)
        return EXIT_USAGE
    permissions = effective_permissions(source.text)
    if permissions.error is not None:
        print(
            escape_control(
                f"{prog}: {source.name}: {permissions.error} (run 'ssm-tui check "
                f"{args.path}' for details)"
            ),
            file=err,
        )
        return EXIT_USAGE
    if args.format == "json":
        write_json(permissions.to_json(), out)
    else:
        write_lines(_permission_lines(permissions), out)
    return EXIT_OK


def run_diff(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ssm_tui.access.permissions import diff_permissions

    prog = "ssm-tui diff"
    try:
        before, after = read_policy_source(args.before), read_policy_source(args.after)
    except UsageError as exc:
        print(f"{prog}: {escape_control(str(exc))}", file=err)
        return EXIT_USAGE
    diff = diff_permissions(before.text, after.text)
    for source, error in ((before, diff.before.error), (after, diff.after.error)):
        if error is not None:
            print(escape_control(f"{prog}: {source.name}: {error}"), file=err)
            return EXIT_USAGE
    if args.format == "json":
        write_json(diff.to_json(), out)
    else:
        write_lines(_diff_lines(diff), out)
    return EXIT_OK


# --- managed policies --------------------------------------------------------------------
def _find_policy(name: str, err: TextIO) -> ManagedPolicy | None:
    from ssm_tui.library.managed import managed_policies, managed_policy

    policy = managed_policy(name)
    if policy is None:
        _unknown("AWS managed policy", name, [p.name for p in managed_policies()], err)
    return policy


def _policy_summary(policy: ManagedPolicy) -> dict[str, Any]:
    return {
        "name": policy.name,
        "arn": policy.arn,
        "path": policy.path,
        "in_guide": policy.in_guide,
        "purpose": policy.purpose,
        "description": policy.description,
        "deprecated": policy.deprecated,
        "replacement": policy.replacement,
        "default_version": policy.default_version_id,
        "versions": len(policy.versions),
        "created": policy.created,
        "updated": policy.updated,
    }


def run_managed(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ssm_tui.library.managed import managed_policies, managed_source

    if args.managed_command == "list":
        policies = managed_policies(include_related=args.all)
        if args.format == "json":
            write_json(
                {"source": managed_source(), "policies": [_policy_summary(p) for p in policies]},
                out,
            )
            return EXIT_OK
        width = max((len(p.name) for p in policies), default=10)
        for policy in policies:
            flags = f" (deprecated: use {policy.replacement})" if policy.deprecated else ""
            purpose = policy.purpose or "grants ssm actions"
            out.write(
                f"{policy.name:<{width}}  {purpose:<26}  {policy.default_version_id:>4} of "
                f"{len(policy.versions):<3} updated {(policy.updated or '?')[:10]}{flags}\n"
            )
        source = managed_source()
        out.write(
            f"{len(policies)} policies, from {source.get('package')} {source.get('version')}\n"
        )
        return EXIT_OK
    found = _find_policy(args.name, err)
    if found is None:
        return EXIT_USAGE
    if args.managed_command == "show":
        return _show_policy(found, args, out, err)
    return _diff_versions(found, args, out, err)


def _show_policy(policy: ManagedPolicy, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    version = policy.version(args.version) if args.version else policy.latest
    if version is None:
        ids = ", ".join(v.version_id for v in policy.versions)
        print(
            f"ssm-tui managed show: {policy.name} has no version {args.version!r} "
            f"(versions: {ids})",
            file=err,
        )
        return EXIT_USAGE
    permissions = None
    if args.permissions:
        from ssm_tui.access.permissions import effective_permissions

        permissions = effective_permissions(version.document)
    if args.format == "json":
        payload = {
            **_policy_summary(policy),
            "version": version.version_id,
            "created": version.created,
            "document": version.document,
        }
        if permissions is not None:
            payload["permissions"] = permissions.to_json()
        write_json(payload, out)
        return EXIT_OK
    lines = [
        policy.name,
        f"  ARN:      {policy.arn}",
        f"  path:     {policy.path}",
        f"  purpose:  {policy.purpose or 'AWS managed policy that grants Systems Manager actions'}",
        f"  version:  {version.version_id} of {len(policy.versions)}, dated "
        f"{(version.created or 'unknown')[:10]} in the package; default "
        f"{policy.default_version_id}; policy created {(policy.created or '?')[:10]}, last "
        f"updated {(policy.updated or '?')[:10]}",
    ]
    if policy.description:
        lines.append(f"  about:    {policy.description}")
    if policy.deprecated:
        lines.append(
            f"  DEPRECATED: use {policy.replacement} instead. "
            f"{policy.deprecation_note or ''}".rstrip()
        )
    write_lines(lines, out)
    out.write(version.text)
    if permissions is not None:
        out.write("\neffective permissions\n")
        write_lines(_permission_lines(permissions, "  "), out)
    return EXIT_OK


def _diff_versions(
    policy: ManagedPolicy, args: argparse.Namespace, out: TextIO, err: TextIO
) -> int:
    from ssm_tui.access.permissions import diff_permissions

    versions = [policy.version(v) for v in (args.version_a, args.version_b)]
    for wanted, found in zip((args.version_a, args.version_b), versions, strict=True):
        if found is None:
            ids = ", ".join(v.version_id for v in policy.versions)
            print(
                f"ssm-tui managed diff: {policy.name} has no version {wanted!r} (versions: {ids})",
                file=err,
            )
            return EXIT_USAGE
    before, after = versions
    assert before is not None and after is not None
    diff = diff_permissions(before.document, after.document)
    if args.format == "json":
        write_json(
            {
                "policy": policy.name,
                "from": before.version_id,
                "to": after.version_id,
                **diff.to_json(),
            },
            out,
        )
        return EXIT_OK
    out.write(
        f"{policy.name}: {before.version_id} ({(before.created or '')[:10]}) -> "
        f"{after.version_id} ({(after.created or '')[:10]})\n"
    )
    write_lines(_diff_lines(diff), out)
    if args.document:
        out.writelines(
            difflib.unified_diff(
                before.text.splitlines(keepends=True),
                after.text.splitlines(keepends=True),
                fromfile=f"{policy.name} {before.version_id}",
                tofile=f"{policy.name} {after.version_id}",
            )
        )
    return EXIT_OK


# --- templates ---------------------------------------------------------------------------
def _parse_params(pairs: list[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"--param {pair!r}: write it as KEY=VALUE")
        params[key.strip()] = value
    return params


def run_templates(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ssm_tui.library.templates import (
        printed,
        printed_examples,
        template,
        templates,
    )

    if args.templates_command == "list":
        for item in templates():
            out.write(f"{item.name:<28}  {item.title}\n")
        return EXIT_OK
    if args.templates_command == "printed":
        text = printed(args.name)
        if text is None:
            return _unknown("printed example", args.name, list(printed_examples()), err)
        out.write(text if text.endswith("\n") else text + "\n")
        return EXIT_OK
    found = template(args.name)
    if found is None:
        return _unknown("template", args.name, [t.name for t in templates()], err)
    if args.templates_command == "show":
        lines = [found.title, f"  from the guide: {found.guide_section}", f"  for: {found.purpose}"]
        if found.differs_from_printed:
            lines.append(f"  differs from the printed example: {found.differs_from_printed}")
        if found.printed_example:
            lines.append(f"  printed example: ssm-tui templates printed {found.printed_example}")
        lines.append("  parameters:")
        for parameter in found.parameters:
            lines.append(
                f"    {parameter.name}={parameter.default}  ({parameter.label}: "
                f"{parameter.description})"
            )
        out.writelines(line + "\n" for line in lines)
        return EXIT_OK
    try:
        params = _parse_params(args.param or [])
        text = found.render_text(params, minify=args.minify)
    except ValueError as exc:  # TemplateParameterError too
        print(f"ssm-tui templates render: {escape_control(str(exc))}", file=err)
        return EXIT_USAGE
    out.write(text if text.endswith("\n") else text + "\n")
    return EXIT_OK


# --- parser ------------------------------------------------------------------------------
_FORMAT: dict[str, Any] = {"choices": ("text", "json"), "default": "text", "help": "output format"}


def add_library_commands(commands: Any) -> None:
    """Add `managed`, `templates`, `permissions` and `diff` to the top-level subparsers."""
    _add_managed(commands)
    _add_templates(commands)
    permissions = commands.add_parser(
        "permissions", help="what a policy really grants, by service and access level"
    )
    permissions.add_argument("path", metavar="PATH", help="policy file, or - for stdin")
    permissions.add_argument("--format", **_FORMAT)
    permissions.set_defaults(handler=run_permissions)

    diff_parser = commands.add_parser(
        "diff", help="actions gained and lost between two policies, by access level"
    )
    diff_parser.add_argument("before", metavar="PATH_A")
    diff_parser.add_argument("after", metavar="PATH_B")
    diff_parser.add_argument("--format", **_FORMAT)
    diff_parser.set_defaults(handler=run_diff)


def _add_managed(commands: Any) -> None:
    managed = commands.add_parser(
        "managed",
        help="AWS managed policies for Systems Manager (bundled, with history)",
        description="Browse the AWS managed policies the Systems Manager guide lists (every "
        "published version) and the other AWS managed policies that grant ssm actions.",
    )
    managed_commands = managed.add_subparsers(
        dest="managed_command", metavar="COMMAND", required=True
    )
    listing = managed_commands.add_parser("list", help="list the policies")
    listing.add_argument(
        "--all",
        action="store_true",
        help="also list the other AWS managed policies that grant ssm actions",
    )
    listing.add_argument("--format", **_FORMAT)
    show = managed_commands.add_parser("show", help="a policy: purpose, ARN, dates, document")
    show.add_argument("name", help="policy name (any case) or ARN")
    show.add_argument("--version", help="version id such as v3 (default: the default version)")
    show.add_argument(
        "--permissions",
        action="store_true",
        help="also show the effective permissions by access level",
    )
    show.add_argument("--format", **_FORMAT)
    diff = managed_commands.add_parser("diff", help="what changed between two versions")
    diff.add_argument("name")
    diff.add_argument("version_a", metavar="V1")
    diff.add_argument("version_b", metavar="V2")
    diff.add_argument(
        "--document", action="store_true", help="also print a unified diff of the two documents"
    )
    diff.add_argument("--format", **_FORMAT)
    managed.set_defaults(handler=run_managed)


def _add_templates(commands: Any) -> None:
    template_parser = commands.add_parser(
        "templates",
        help="the guide's examples as parameterised, corrected templates",
        description="Each customer managed example of the guide (and the console minimum "
        "permissions) as a template that renders a valid policy; the printed originals too.",
    )
    template_commands = template_parser.add_subparsers(
        dest="templates_command", metavar="COMMAND", required=True
    )
    template_commands.add_parser("list", help="list the templates")
    show_template = template_commands.add_parser("show", help="purpose, parameters, defaults")
    show_template.add_argument("name")
    render = template_commands.add_parser("render", help="render a policy")
    render.add_argument("name")
    render.add_argument(
        "--param",
        action="append",
        metavar="KEY=VALUE",
        help="a parameter value (repeatable); see 'templates show NAME'",
    )
    render.add_argument("--minify", action="store_true", help="minified JSON")
    printed_parser = template_commands.add_parser(
        "printed", help="the example exactly as printed in the guide"
    )
    printed_parser.add_argument("name")
    template_parser.set_defaults(handler=run_templates)
