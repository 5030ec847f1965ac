// The little TOML the plugin manifests use (Cargo.toml, pyproject.toml,
// eddy-c.toml): a table's body by its name, a string key, a list of strings.
//
// Owns: reading those values out of a manifest's text. Must never: be taken
// for a TOML parser (no inline tables, multi-line strings or escapes); a
// manifest needing more should move to one.

/** The body of the `[name]` table, if any. */
export function tomlSection(text: string, name: string): string | undefined {
  return text.split(/^\[/m).find((section) => section.startsWith(`${name}]`));
}

/** A basic ("…") or literal ('…') string value of `key` in a table body (a trailing comment allowed). */
export function tomlString(section: string | undefined, key: string): string | undefined {
  const match = section ? new RegExp(`^${key}\\s*=\\s*(?:"([^"]*)"|'([^']*)')\\s*(?:#.*)?$`, 'm').exec(section) : null;
  return match ? (match[1] ?? match[2]) : undefined;
}

/** A one-line list of strings of `key` in a table body; `refuse` names an item that is not a string. */
export function tomlStringList(section: string | undefined, key: string, refuse: (item: string) => Error): string[] | undefined {
  const match = section ? new RegExp(`^${key}\\s*=\\s*\\[([^\\]]*)\\]`, 'm').exec(section) : null;
  if (!match) return undefined;
  return match[1]!.split(',').map((item) => item.trim()).filter((item) => item !== '').map((item) => {
    const string = /^"([^"]*)"$|^'([^']*)'$/.exec(item);
    if (!string) throw refuse(item);
    return string[1] ?? string[2]!;
  });
}
