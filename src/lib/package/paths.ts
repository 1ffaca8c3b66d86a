// Path rules shared by everything that reads plugin files: .ocpkg entries and the
// directory-backed FileSources. One rule set, so a name that is refused in a
// package is also refused on disk (DESIGN §3.10, production fs.ValidPath).

/**
 * Why a relative, forward-slash path is not clean, or null when it is.
 * Clean: non-empty, no NUL, no backslash, not absolute (no leading "/" and no drive letter),
 * and no empty, "." or ".." segment. Directory entries may end in one "/".
 */
export function pathProblem(name: string, opts: { allowTrailingSlash?: boolean } = {}): string | null {
  if (name === '') return 'the name is empty';
  if (name.includes('\0')) return 'the name contains a NUL byte';
  if (name.includes('\\')) return 'the name contains a backslash';
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'the name is an absolute path';
  const body = opts.allowTrailingSlash && name.endsWith('/') ? name.slice(0, -1) : name;
  const segments = body.split('/');
  if (segments.includes('..')) return 'the name contains a ".." segment';
  if (segments.some((s) => s === '' || s === '.')) return 'the name has an empty or "." segment';
  return null;
}

export function isCleanRelativePath(name: string): boolean {
  return pathProblem(name) === null;
}
