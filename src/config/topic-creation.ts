/**
 * Kafka Connect's topic creation for source connectors (KIP-158), as Connect 4.1 does it:
 * - the worker's topic.creation.enable (default true) allows it at all;
 * - a connector opts in by setting any topic.creation.* property, and then must set both
 *   topic.creation.default.replication.factor and topic.creation.default.partitions;
 *   a connector that sets none leaves topic creation to the broker (auto.create.topics.enable);
 * - topic.creation.groups lists extra groups, each with include/exclude regexes (a topic
 *   belongs to the first listed group whose include matches it, whole name, and whose
 *   exclude does not), partitions and replication factor (the default group's when unset),
 *   and any other topic-level setting (cleanup.policy, compression.type, retention.ms ...),
 *   which goes to CreateTopics as written. The default group takes every other topic.
 * The parsing here is pure; src/kafka/topics.ts does the creating.
 */
import type { ParsedValues } from './define.ts';

export const TOPIC_CREATION_PREFIX = 'topic.creation.';
const GROUPS_KEY = 'topic.creation.groups';
const DEFAULT_GROUP = 'default';
/** The four keys a group reads itself; everything else under the group is a topic config. */
const GROUP_KEYS = new Set(['include', 'exclude', 'partitions', 'replication.factor']);

/** What to create one topic with; -1 means the broker's default. */
export interface TopicCreationSpec {
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly configs: Readonly<Record<string, string>>;
}

interface GroupRule extends TopicCreationSpec {
  readonly name: string;
  readonly include: RegExp | null;
  readonly exclude: RegExp | null;
}

export interface TopicCreationRules {
  /** The group a topic belongs to and the spec it is created with. */
  specFor(topic: string): TopicCreationSpec & { readonly group: string };
}

/** Keys the connector wrote under topic.creation., in the order written. */
function creationKeys(raw: Readonly<Record<string, string>>): string[] {
  return Object.keys(raw).filter((k) => k.startsWith(TOPIC_CREATION_PREFIX));
}

function groupsOf(raw: Readonly<Record<string, string>>): string[] {
  return (raw['topic.creation.groups'] ?? '').split(',').map((g) => g.trim()).filter((g) => g !== '' && g !== DEFAULT_GROUP);
}

/** The group a key belongs to: the longest declared group name that prefixes it (group names may hold dots). */
function splitKey(key: string, groups: readonly string[]): { group: string; setting: string } | null {
  const rest = key.slice(TOPIC_CREATION_PREFIX.length);
  const owner = [DEFAULT_GROUP, ...groups].filter((g) => rest.startsWith(`${g}.`)).sort((a, b) => b.length - a.length)[0];
  if (owner) return { group: owner, setting: rest.slice(owner.length + 1) };
  const dot = rest.indexOf('.');
  return dot > 0 ? { group: rest.slice(0, dot), setting: rest.slice(dot + 1) } : null;
}

/** Java's Pattern.matches() takes the whole name; several regexes mean any of them. */
function compile(list: string | undefined): { regex: RegExp | null; bad: string[] } {
  const parts = (list ?? '').split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (parts.length === 0) return { regex: null, bad: [] };
  const bad = parts.filter((p) => { try { new RegExp(p); return false; } catch { return true; } });
  return { regex: bad.length ? null : new RegExp(`^(?:${parts.map((p) => `(?:${p})`).join('|')})$`), bad };
}

function count(text: string | undefined): number | null {
  if (text === undefined) return null;
  const t = text.trim();
  if (!/^[+-]?\d+$/.test(t)) return NaN;
  return Number(t);
}

/**
 * Every problem with the topic.creation.* family, or true. Runs as the check of
 * topic.creation.groups, which sees the whole config (it runs with its default too).
 */
export function checkTopicCreation(_groups: readonly string[], all: ParsedValues): true | string {
  const raw = all.raw();
  const keys = creationKeys(raw);
  if (keys.length === 0) return true;
  const groups = groupsOf(raw);
  const problems: string[] = [];
  const dup = groups.find((g, i) => groups.indexOf(g) !== i);
  if (dup) problems.push(`group ${dup} is listed twice in ${GROUPS_KEY}; list each group once`);
  for (const key of keys) {
    if (key === GROUPS_KEY) continue;
    if (key === 'topic.creation.enable') {
      problems.push('topic.creation.enable is a worker property: set it in the worker section, or remove it here');
      continue;
    }
    const parts = splitKey(key, groups);
    if (!parts || parts.setting === '') {
      problems.push(`${key} names no group setting: write topic.creation.<group>.<setting>, e.g. topic.creation.default.partitions`);
      continue;
    }
    if (parts.group !== DEFAULT_GROUP && !groups.includes(parts.group)) {
      problems.push(`${key} belongs to group "${parts.group}", which ${GROUPS_KEY} does not list: add ${parts.group} to ${GROUPS_KEY}, or remove the ${TOPIC_CREATION_PREFIX}${parts.group}.* properties`);
      continue;
    }
    if (parts.group === DEFAULT_GROUP && (parts.setting === 'include' || parts.setting === 'exclude')) {
      problems.push(`${key} has no effect: the default group takes every topic no other group claims; remove it, or put the regex in a group listed in ${GROUPS_KEY}`);
      continue;
    }
    const value = raw[key];
    if (parts.setting === 'partitions' || parts.setting === 'replication.factor') {
      const n = count(value);
      const max = parts.setting === 'partitions' ? 2147483647 : 32767;
      if (n === null || Number.isNaN(n) || !(n === -1 || (n >= 1 && n <= max))) {
        problems.push(`${key} is "${value}": use -1 (the broker default) or a whole number from 1 to ${max}`);
      }
    }
    if (parts.setting === 'include' || parts.setting === 'exclude') {
      const { bad } = compile(value);
      if (bad.length) problems.push(`${key} has an invalid regular expression ${bad.map((b) => `"${b}"`).join(', ')}: fix or remove it`);
    }
  }
  for (const setting of ['replication.factor', 'partitions']) {
    if (raw[`${TOPIC_CREATION_PREFIX}${DEFAULT_GROUP}.${setting}`] === undefined) {
      problems.push(`topic creation is configured (${keys[0]}) but ${TOPIC_CREATION_PREFIX}${DEFAULT_GROUP}.${setting} is not set: ` +
        `set it (-1 means the broker default), or remove every ${TOPIC_CREATION_PREFIX}* property to leave topic creation to the broker`);
    }
  }
  for (const g of groups) {
    if (!raw[`${TOPIC_CREATION_PREFIX}${g}.include`]?.trim()) {
      problems.push(`group ${g} has no ${TOPIC_CREATION_PREFIX}${g}.include, so it would match no topic: set the regexes of the topics it is for, or remove ${g} from ${GROUPS_KEY}`);
    }
  }
  return problems.length === 0 || problems.join('; ');
}

/**
 * The rules a connector's topics are created by, or null when the daemon creates no
 * data topic (worker topic.creation.enable=false, or no topic.creation.* property set).
 * Expects a config that passed checkTopicCreation.
 */
export function topicCreationRules(raw: Readonly<Record<string, string>>, workerEnabled: boolean): TopicCreationRules | null {
  if (!workerEnabled || creationKeys(raw).length === 0) return null;
  const groups = groupsOf(raw);
  const settings = new Map<string, Record<string, string>>([[DEFAULT_GROUP, {}], ...groups.map((g) => [g, {}] as [string, Record<string, string>])]);
  for (const key of creationKeys(raw)) {
    if (key === GROUPS_KEY) continue;
    const parts = splitKey(key, groups);
    if (parts && settings.has(parts.group)) settings.get(parts.group)![parts.setting] = raw[key]!;
  }
  const rule = (name: string, fallback?: GroupRule): GroupRule => {
    const s = settings.get(name)!;
    const configs = Object.fromEntries(Object.entries(s).filter(([k]) => !GROUP_KEYS.has(k)));
    return {
      name,
      include: name === DEFAULT_GROUP ? null : compile(s.include).regex,
      exclude: name === DEFAULT_GROUP ? null : compile(s.exclude).regex,
      partitions: count(s.partitions) ?? fallback?.partitions ?? -1,
      replicationFactor: count(s['replication.factor']) ?? fallback?.replicationFactor ?? -1,
      configs,
    };
  };
  // The default group's two required settings, read by their full names (every other group falls back to them).
  const defaults = {
    ...rule(DEFAULT_GROUP),
    partitions: count(raw['topic.creation.default.partitions']) ?? -1,
    replicationFactor: count(raw['topic.creation.default.replication.factor']) ?? -1,
  };
  const rules = groups.map((g) => rule(g, defaults));
  return {
    specFor(topic) {
      const r = rules.find((g) => g.include !== null && g.include.test(topic) && !(g.exclude?.test(topic) ?? false)) ?? defaults;
      return { group: r.name, partitions: r.partitions, replicationFactor: r.replicationFactor, configs: r.configs };
    },
  };
}
