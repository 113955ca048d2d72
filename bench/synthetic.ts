/**
 * Synthetic benchmark datasets of any size, generated record by record from word lists with a
 * seeded PRNG (so texts differ, and the same seed gives the same data):
 * - classification: one text field, a 6-label label_selection question, metadata source/length.
 * - dolly: instruction / context (optional) / response fields, a text question with the curated
 *   response and a 1-5 quality rating (SFT benchmarks).
 */
import { altFrom, assemble, drawPlan, drawStatus, planVotes, stableUsers } from "../scripts/argilla-export/annotate";
import {
  datasetConfig, integerProperty, labelQuestion, ratingQuestion, termsProperty, textField, textQuestion,
  type AnswerValue, type DatasetConfig, type ExportRecord, type ResponseStatus, type ExportSuggestion,
} from "../scripts/argilla-export/export-format";
import { Rng } from "../scripts/argilla-export/prng";

export interface SyntheticOptions {
  records: number;
  seed: string;
  /** responses per annotated record; the annotator pool has annotators + 2 users */
  annotators: number;
}

export interface SyntheticDataset {
  config: DatasetConfig;
  records: Iterable<ExportRecord>;
}

const pad = (n: number) => String(n).padStart(9, "0");

/** Statuses for k responders: mostly submitted, some drafts and discarded. */
function statusesFor(rng: Rng, k: number): ResponseStatus[] {
  const out: ResponseStatus[] = [];
  for (let i = 0; i < k; i++) out.push(drawStatus(rng, 0.07, 0.03));
  return out;
}

// ---------------------------------------------------------------------------------------------
// classification
// ---------------------------------------------------------------------------------------------

export const TOPICS = ["sports", "business", "technology", "health", "politics", "entertainment"] as const;
const TOPIC_WEIGHTS = [20, 18, 18, 16, 14, 14];
const SOURCES = ["news", "blog", "forum", "social"] as const;

const TOPIC_WORDS: Record<(typeof TOPICS)[number], { who: string[]; did: string[]; what: string[]; where: string[] }> = {
  sports: {
    who: ["the home team", "the veteran striker", "the young goalkeeper", "the coach", "the national squad", "the league leaders", "the relay team", "the tennis champion", "the rookie pitcher", "the cycling team", "the club captain", "the underdogs"],
    did: ["won", "lost", "drew", "dominated", "scraped through", "came back to win", "was knocked out of", "clinched", "struggled in", "set a record in"],
    what: ["the final", "the derby", "the season opener", "the semi-final", "the away match", "the championship game", "the qualifying round", "the relay heat", "the grand slam match", "the title race", "the penalty shoot-out", "the overtime thriller"],
    where: ["in front of a sold-out stadium", "after extra time", "despite a late injury", "on a rain-soaked pitch", "with two goals in the last minute", "thanks to a strong defence", "after a tense second half"],
  },
  business: {
    who: ["the retailer", "the startup", "the bank", "the airline", "the car maker", "the chip supplier", "the grocery chain", "the shipping firm", "the insurer", "the energy company", "the coffee chain", "the pension fund"],
    did: ["reported", "announced", "cut", "raised", "posted", "forecast", "warned of", "delayed", "secured", "unveiled"],
    what: ["record quarterly profits", "a round of layoffs", "its annual dividend", "a merger with a rival", "lower than expected sales", "a new funding round", "higher fuel costs", "plans to open fifty stores", "a share buyback", "a drop in revenue", "its first annual profit", "a cost-cutting plan"],
    where: ["as interest rates climbed", "amid weak consumer demand", "after a strong holiday season", "sending its shares higher", "according to analysts", "despite supply chain problems", "in a statement on Monday"],
  },
  technology: {
    who: ["the phone maker", "the software company", "the open-source project", "the chip designer", "the social network", "the cloud provider", "the robotics lab", "the browser team", "the game studio", "the security researchers", "the app developer", "the smart home brand"],
    did: ["released", "patched", "launched", "open-sourced", "rolled out", "discontinued", "previewed", "rewrote", "benchmarked", "teased"],
    what: ["a new operating system update", "a critical security flaw", "a faster processor", "an AI assistant", "a foldable phone", "its developer tools", "end-to-end encryption", "a cheaper laptop", "a battery breakthrough", "a privacy dashboard", "the beta version of its app", "a satellite internet service"],
    where: ["to mixed reviews", "ahead of the developer conference", "after months of testing", "for users in Europe first", "with improved battery life", "following a data breach", "at its annual keynote"],
  },
  health: {
    who: ["the researchers", "the hospital", "the health ministry", "a new study", "the nurses' union", "the clinic", "the vaccine maker", "doctors", "the public health agency", "the medical school", "the nutrition experts", "the trial team"],
    did: ["found", "warned about", "recommended", "reported", "approved", "tested", "linked", "reduced", "tracked", "published"],
    what: ["a rise in flu cases", "the benefits of daily walking", "a new cancer treatment", "longer waiting times", "sleep and heart health", "a booster vaccine", "the risks of added sugar", "a shortage of nurses", "better outcomes for stroke patients", "a drop in smoking rates", "screen time in children", "a cheaper insulin pen"],
    where: ["in a large clinical trial", "after a ten-year study", "in rural areas", "during the winter months", "according to the latest figures", "in a report released today", "among older adults"],
  },
  politics: {
    who: ["the prime minister", "the opposition leader", "the city council", "parliament", "the senator", "the governor", "the coalition", "the election commission", "the mayor", "the finance minister", "the ruling party", "the new cabinet"],
    did: ["proposed", "rejected", "passed", "debated", "postponed", "defended", "announced", "criticised", "voted on", "signed"],
    what: ["a new housing bill", "the annual budget", "tax cuts for small businesses", "changes to the voting law", "a climate package", "the transport plan", "a minimum wage increase", "the trade agreement", "stricter lobbying rules", "the pension reform", "a referendum", "funding for schools"],
    where: ["after a heated debate", "ahead of the election", "by a narrow margin", "despite protests outside", "in a late-night session", "following weeks of negotiations", "at a press conference"],
  },
  entertainment: {
    who: ["the director", "the pop star", "the streaming service", "the band", "the award-winning actor", "the film studio", "the comedian", "the festival organisers", "the novelist", "the theatre company", "the reality show", "the animated series"],
    did: ["premiered", "announced", "cancelled", "released", "topped the charts with", "won an award for", "sold out", "renewed", "teased", "wrapped filming on"],
    what: ["a new album", "the long-awaited sequel", "a world tour", "the final season", "a musical adaptation", "a surprise single", "the documentary", "a holiday special", "the summer festival", "a memoir", "the reboot", "the anniversary concert"],
    where: ["to rave reviews", "after years of rumours", "at the film festival", "on opening weekend", "with a star-studded cast", "to the delight of fans", "in a surprise announcement"],
  },
};

const OPENERS = ["", "", "", "Breaking: ", "Update: ", "Just read that ", "Big news today: ", "Not surprised that ", "Can't believe ", "Reports say ", "Honestly, ", "So apparently "];
const CLOSERS = ["", "", "", " More details are expected later this week.", " What do you all think?", " Analysts were not surprised.", " Fans reacted quickly online.", " Critics say it is long overdue.", " The full story is still developing.", " This could change a lot.", " Officials declined to comment.", " Worth keeping an eye on."];
const SECOND = [
  "Earlier, {who} had {did} {what}.",
  "It comes a week after {who} {did} {what}.",
  "Meanwhile, {who} {did} {what} {where}.",
  "Some observers expect {who} to follow soon.",
];

function classificationText(rng: Rng, topic: (typeof TOPICS)[number]): string {
  const w = TOPIC_WORDS[topic];
  const first = `${rng.pick(OPENERS)}${rng.pick(w.who)} ${rng.pick(w.did)} ${rng.pick(w.what)} ${rng.pick(w.where)}.`;
  let text = first.charAt(0).toUpperCase() + first.slice(1);
  if (rng.chance(0.45)) {
    const t = rng.pick(SECOND);
    // the second sentence sometimes mixes in another topic's words (harder examples)
    const w2 = rng.chance(0.2) ? TOPIC_WORDS[rng.pick(TOPICS)] : w;
    const s = t.replace("{who}", rng.pick(w2.who)).replace("{did}", rng.pick(w2.did)).replace("{what}", rng.pick(w2.what)).replace("{where}", rng.pick(w2.where));
    text += " " + s.charAt(0).toUpperCase() + s.slice(1);
  }
  return text + rng.pick(CLOSERS);
}

export function classificationDataset(o: SyntheticOptions): SyntheticDataset {
  const config = datasetConfig({
    fields: [textField("text")],
    questions: [labelQuestion("label", "What is the topic of the text?", [...TOPICS], { description: "Pick the single topic that best fits the text." })],
    guidelines: "Read the short text and choose the topic it is mainly about.",
    metadataProperties: [termsProperty("source", "Source", [...SOURCES]), integerProperty("length", "Text length", 1, 1000)],
  });
  const users = stableUsers(`classification:${o.seed}`, o.annotators + 2);
  function* records(): Generator<ExportRecord> {
    const rng = new Rng(`classification:${o.seed}`);
    for (let i = 0; i < o.records; i++) {
      const topic = rng.weighted(TOPICS, TOPIC_WEIGHTS);
      const text = classificationText(rng, topic);
      const source = rng.pick(SOURCES);
      const k = rng.chance(0.03) ? 0 : o.annotators;
      const who = rng.sample(users, k);
      const statuses = statusesFor(rng, k);
      const submitted = statuses.filter((s) => s === "submitted").length;
      const alt = altFrom(rng, TOPICS as readonly string[]);
      const plan = drawPlan(rng, { agree: 70, majority: 18, tie: 4, noisy: 8 });
      const votes = planVotes<string>(rng, plan, submitted, topic, alt);
      const responses = assemble(who, statuses, votes.map((v) => ({ label: v })), () => ({ label: rng.chance(0.6) ? topic : alt([topic])! }));
      let suggestions: Record<string, ExportSuggestion> | undefined;
      if (rng.chance(0.3)) {
        const correct = rng.chance(0.85);
        suggestions = {
          label: { value: correct ? topic : alt([topic])!, type: "model", score: correct ? rng.float(0.55, 0.99) : rng.float(0.3, 0.7), agent: "topic-classifier-v1" },
        };
      }
      yield { fields: { text }, responses, suggestions, external_id: `clf-${pad(i)}`, metadata: { source, length: text.length } };
    }
  }
  return { config, records: { [Symbol.iterator]: records } };
}

// ---------------------------------------------------------------------------------------------
// dolly (instruction tuning)
// ---------------------------------------------------------------------------------------------

export const DOLLY_CATEGORIES = ["closed_qa", "information_extraction", "summarization", "open_qa", "general_qa", "brainstorming", "classification", "creative_writing"] as const;
const DOLLY_WEIGHTS = [16, 12, 12, 16, 12, 12, 10, 10];
type Cat = (typeof DOLLY_CATEGORIES)[number];

const FIRST = ["Amara", "Bram", "Celia", "Dario", "Elin", "Farid", "Greta", "Hugo", "Ines", "Jonas", "Kira", "Lionel", "Maren", "Nils", "Olga", "Pavel", "Quinn", "Rosa", "Soren", "Talia"];
const LAST = ["Abbott", "Brandt", "Castell", "Dunmore", "Ellery", "Falk", "Garrow", "Hale", "Ivers", "Jansen", "Kettle", "Lindqvist", "Moreau", "Norberg", "Oakes", "Pryce", "Quill", "Rowan", "Stavros", "Thorne"];
const PLACE_A = ["Ash", "Birch", "Cold", "Deep", "East", "Fern", "Glen", "High", "Iron", "Kings", "Long", "Mill", "North", "Oak", "Red", "Salt", "Stone", "West"];
const PLACE_B = ["ford", "haven", "field", "brook", "wick", "stead", "more", "bury", "dale", "port", "water", "ton"];
const KINDS = ["museum", "bakery", "bridge", "library", "botanical garden", "brewery", "lighthouse", "observatory", "textile mill", "railway station", "concert hall", "ferry company"];
const KNOWN_FOR = ["its glass roof", "a collection of antique clocks", "rye bread baked in a wood oven", "a spiral staircase of 200 steps", "free concerts on Sundays", "a telescope built by volunteers", "hand-woven wool blankets", "a rose garden with 400 varieties", "night ferries to the islands", "its copper dome", "a reading room open all night", "seasonal apple cider"];
const GOALS = ["sleep better", "learn a new language", "save money on groceries", "keep houseplants alive", "start running", "reduce screen time", "cook more at home", "stay focused while studying", "prepare for a job interview", "organise a small kitchen"];
const TIPS: Record<string, string[]> = {
  default: ["set a small, specific goal for each week", "track your progress in a notebook", "build the habit at the same time every day", "remove distractions before you start", "ask a friend to keep you accountable", "celebrate small wins", "plan the next day the evening before", "start with ten minutes and increase slowly"],
};
const EVENTS = ["a rainy weekend", "a team offsite", "a child's birthday party", "a neighbourhood clean-up", "a book club meeting", "a school fundraiser", "a camping trip", "a first date", "a retirement party", "a science fair project"];
const IDEAS = ["a board game tournament", "a themed potluck", "a scavenger hunt", "a short hike with a picnic", "a photo walk", "a cooking challenge", "a craft table", "a trivia quiz", "a movie marathon", "a volunteer afternoon", "a DIY pizza night", "a karaoke session"];
const CLASS_SETS: [string, string, string[], string[]][] = [
  ["fruit", "vegetable", ["apple", "pear", "mango", "cherry", "plum"], ["carrot", "leek", "spinach", "onion", "celery"]],
  ["mammal", "bird", ["otter", "badger", "horse", "bat", "whale"], ["robin", "heron", "owl", "sparrow", "penguin"]],
  ["string instrument", "wind instrument", ["violin", "cello", "harp", "guitar", "banjo"], ["flute", "oboe", "clarinet", "trumpet", "bassoon"]],
  ["programming language", "database", ["Python", "Rust", "Java", "Go", "Kotlin"], ["PostgreSQL", "SQLite", "MongoDB", "Redis", "MySQL"]],
];
const FORMS = ["haiku", "limerick", "short poem", "two-sentence story", "short story opening"];
const THEMES = ["autumn rain", "a lost umbrella", "the first day of school", "a lighthouse keeper", "a cat who hates Mondays", "the smell of fresh bread", "a train at midnight", "an old map"];

const KIND_TITLES: Record<string, string> = Object.fromEntries(KINDS.map((k) => [k, k.replace(/(^| )\w/g, (m) => m.toUpperCase())]));

interface Fact { name: string; kind: string; town: string; year: number; founder: string; knownFor: string; visitors: number }

function makeFact(rng: Rng): Fact {
  const town = rng.pick(PLACE_A) + rng.pick(PLACE_B);
  const kind = rng.pick(KINDS);
  const title = KIND_TITLES[kind];
  const name = rng.chance(0.5) ? `${town} ${title}` : `The ${rng.pick(LAST)} ${title}`;
  return { name, kind, town, year: rng.int(1780, 2015), founder: `${rng.pick(FIRST)} ${rng.pick(LAST)}`, knownFor: rng.pick(KNOWN_FOR), visitors: rng.int(2, 900) * 100 };
}

const thousands = (n: number) => String(n).replace(/\B(?=(\d{3})+$)/g, ",");

const factContext = (f: Fact) =>
  `${f.name} is a ${f.kind} in the town of ${f.town}. It was founded in ${f.year} by ${f.founder} and is best known for ${f.knownFor}. Today it welcomes about ${thousands(f.visitors)} visitors a year.`;

function dollyExample(rng: Rng, cat: Cat): { instruction: string; context: string | null; response: string; flawed: string } {
  switch (cat) {
    case "closed_qa": {
      const f = makeFact(rng);
      const q = rng.int(0, 2);
      const [instruction, response] = q === 0
        ? [`When was ${f.name} founded?`, `${f.name} was founded in ${f.year}.`]
        : q === 1
          ? [`Who founded ${f.name}?`, `It was founded by ${f.founder} in ${f.year}.`]
          : [`What is ${f.name} known for?`, `${f.name} is best known for ${f.knownFor}.`];
      return { instruction, context: factContext(f), response, flawed: response.replace(String(f.year), String(f.year + rng.int(1, 9))) };
    }
    case "information_extraction": {
      const f = makeFact(rng);
      const response = `Founder: ${f.founder}; year: ${f.year}; town: ${f.town}.`;
      return { instruction: `From the passage, extract the founder, the founding year and the town of ${f.name}.`, context: factContext(f), response, flawed: `${f.founder}, ${f.year}.` };
    }
    case "summarization": {
      const f = makeFact(rng);
      const response = `${f.name} is a ${f.kind} in ${f.town}, founded in ${f.year} and known for ${f.knownFor}.`;
      return { instruction: "Summarize the passage in one sentence.", context: factContext(f), response, flawed: `It is a ${f.kind}.` };
    }
    case "open_qa":
    case "general_qa": {
      const goal = rng.pick(GOALS);
      const tips = rng.sample(TIPS.default, 3);
      const response = `To ${goal}, ${tips[0]}, ${tips[1]} and ${tips[2]}. Small, consistent steps work better than big changes.`;
      const instruction = cat === "open_qa" ? `How can I ${goal}?` : `What are some practical ways to ${goal}?`;
      return { instruction, context: null, response, flawed: `Just try harder to ${goal}.` };
    }
    case "brainstorming": {
      const ev = rng.pick(EVENTS);
      const ideas = rng.sample(IDEAS, 4);
      const response = ideas.map((x) => `- ${x.charAt(0).toUpperCase()}${x.slice(1)}`).join("\n");
      return { instruction: `Give me some ideas for ${ev}.`, context: null, response, flawed: `- ${ideas[0]}` };
    }
    case "classification": {
      const [a, b, xs, ys] = rng.pick(CLASS_SETS);
      const items = rng.shuffle([...rng.sample(xs, 2), ...rng.sample(ys, 2)]);
      const response = items.map((it) => `${it} is a ${xs.includes(it) ? a : b}`).join(", ") + ".";
      const flawed = items.map((it, k) => `${it} is a ${(xs.includes(it) ? k !== 0 : k === 0) ? a : b}`).join(", ") + ".";
      return { instruction: `Classify each of these as a ${a} or a ${b}: ${items.join(", ")}.`, context: null, response: response.charAt(0).toUpperCase() + response.slice(1), flawed };
    }
    case "creative_writing": {
      const form = rng.pick(FORMS);
      const theme = rng.pick(THEMES);
      const Theme = theme.charAt(0).toUpperCase() + theme.slice(1);
      const response = /haiku|limerick|poem/.test(form)
        ? `${Theme} arrives,\nquiet as a held breath,\nand the evening leans in to listen.`
        : `${Theme} was the last thing anyone expected to find that morning. By nightfall, nobody in town could remember life without it.`;
      return { instruction: `Write a ${form} about ${theme}.`, context: null, response, flawed: `${theme}.` };
    }
  }
}

export function dollyDataset(o: SyntheticOptions): SyntheticDataset {
  const config = datasetConfig({
    fields: [textField("instruction"), textField("context", undefined, { required: false }), textField("response")],
    questions: [
      textQuestion("corrected-response", "Write the corrected response", { description: "Copy the response if it is already correct, otherwise rewrite it." }),
      ratingQuestion("quality", "Rate the quality of the original response", [1, 2, 3, 4, 5], { description: "1 = wrong or unusable, 5 = correct and complete." }),
    ],
    guidelines: "Check that the response follows the instruction and is grounded in the context when there is one.",
    metadataProperties: [termsProperty("category", "Category", [...DOLLY_CATEGORIES]), integerProperty("length", "Response length", 1, 2000)],
  });
  const users = stableUsers(`dolly:${o.seed}`, o.annotators + 2);
  function* records(): Generator<ExportRecord> {
    const rng = new Rng(`dolly:${o.seed}`);
    for (let i = 0; i < o.records; i++) {
      const cat = rng.weighted(DOLLY_CATEGORIES, DOLLY_WEIGHTS);
      const ex = dollyExample(rng, cat);
      const bad = rng.chance(0.25);
      const response = bad ? ex.flawed : ex.response;
      const trueQuality = bad ? rng.int(1, 2) : rng.int(4, 5);
      const k = rng.chance(0.04) ? 0 : o.annotators;
      const who = rng.sample(users, k);
      const statuses = statusesFor(rng, k);
      const submitted = statuses.filter((s) => s === "submitted").length;
      const plan = drawPlan(rng, { agree: 45, majority: 25, tie: 5, noisy: 25 });
      const ratings = planVotes<number>(rng, plan, submitted, trueQuality, altFrom(rng, [trueQuality - 1, trueQuality + 1].filter((v) => v >= 1 && v <= 5)));
      const rewrite = () => (bad || rng.chance(0.1) ? ex.response : response);
      const responses = assemble(who, statuses, ratings.map((q) => ({ "corrected-response": rewrite(), quality: q })), (): Record<string, AnswerValue> =>
        rng.chance(0.5) ? { quality: trueQuality } : { "corrected-response": rewrite(), quality: trueQuality });
      let suggestions: Record<string, ExportSuggestion> | undefined;
      if (rng.chance(0.3)) suggestions = { quality: { value: trueQuality, type: "model", score: rng.float(0.4, 0.95), agent: "quality-rater-v2" } };
      yield {
        fields: { instruction: ex.instruction, context: ex.context, response },
        responses,
        suggestions,
        external_id: `dolly-${pad(i)}`,
        metadata: { category: cat, length: response.length },
      };
    }
  }
  return { config, records: { [Symbol.iterator]: records } };
}

export const SYNTHETIC_KINDS = { classification: classificationDataset, dolly: dollyDataset } as const;
export type SyntheticKind = keyof typeof SYNTHETIC_KINDS;
