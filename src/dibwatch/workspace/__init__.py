"""The workspace file: schema, migrations, snapshots."""

from dibwatch.workspace.workspace import (
    DEFAULT_WORKSPACE,
    ENV_VAR,
    Workspace,
    import_workspace,
    resolve_path,
)

__all__ = ["DEFAULT_WORKSPACE", "ENV_VAR", "Workspace", "import_workspace", "resolve_path"]
