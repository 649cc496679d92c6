/** The equality-based label selectors and the field selectors the stand-in's clients use, as the API server reads them. */

/** `app=api,tier!=db,env,!canary`; an unparsable term matches nothing (the real server answers 400). */
export function matchesLabels(labels: Record<string, string> | undefined, selector: string | null): boolean {
  if (!selector) return true;
  const have = labels ?? {};
  return selector.split(',').every((raw) => {
    const term = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = /^([\w./-]+)\s*!=\s*([\w.-]*)$/.exec(term))) return have[m[1]] !== m[2];
    if ((m = /^([\w./-]+)\s*==?\s*([\w.-]*)$/.exec(term))) return have[m[1]] === m[2];
    if ((m = /^!([\w./-]+)$/.exec(term))) return !(m[1] in have);
    if ((m = /^([\w./-]+)$/.exec(term))) return m[1] in have;
    return false;
  });
}

/** Field selectors on events: `type`, `reason`, `involvedObject.name`, `involvedObject.kind`. */
export function matchesFields(
  event: { type?: string; reason?: string; involvedObject: { name?: string; kind?: string } },
  selector: string | null,
): boolean {
  if (!selector) return true;
  const fields: Record<string, string | undefined> = {
    type: event.type,
    reason: event.reason,
    'involvedObject.name': event.involvedObject.name,
    'involvedObject.kind': event.involvedObject.kind,
  };
  return selector.split(',').every((term) => {
    const m = /^([\w.]+)(!=|==|=)(.*)$/.exec(term.trim());
    if (!m) return false;
    return m[2] === '!=' ? fields[m[1]] !== m[3] : fields[m[1]] === m[3];
  });
}
