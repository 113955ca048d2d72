/**
 * Generates the sample datasets shipped in samples/ (Argilla 1.x FeedbackDataset exports in the
 * Hugging Face layout: argilla.yaml + data/train.jsonl + README.md), plus samples/README.md.
 * Deterministic: re-running produces byte-identical files.
 *
 *   npx tsx scripts/make-samples.ts [--out samples]
 *
 * The export format itself (YAML emitter, row layout, writer) lives in scripts/argilla-export and is shared
 * with bench/generate-dataset.ts.
 */
import fs from "node:fs";
import path from "node:path";
import { altFrom, assemble, drawStatus, planVotes, stableUsers, type VotePlan } from "./argilla-export/annotate";
import {
  datasetConfig, floatProperty, integerProperty, labelQuestion, multiLabelQuestion, optionValues, rankingQuestion,
  ratingQuestion, termsProperty, textField, textQuestion, validateRecord,
  type AnswerValue, type DatasetConfig, type ExportRecord, type ExportResponse, type ExportSuggestion,
  type QuestionConfig, type RankingAnswer, type ResponseStatus,
} from "./argilla-export/export-format";
import { writeExport } from "./argilla-export/export-writer";
import { Rng } from "./argilla-export/prng";
import { pyFloat } from "./argilla-export/pyjson";

interface Sample {
  name: string;
  family: string;
  /** 1-3 README lines after the title */
  notes: string[];
  config: DatasetConfig;
  records: ExportRecord[];
}

// ---------------------------------------------------------------------------------------------
// shared helpers
// ---------------------------------------------------------------------------------------------

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const words = (s: string) => s.split(/\s+/).filter(Boolean).length;
const pad4 = (n: number) => String(n).padStart(4, "0");

/** Picks responders: `k` distinct users and a status for each. */
function responders(rng: Rng, users: string[], k: number, pDraft = 0.1, pDiscarded = 0.06): { who: string[]; statuses: ResponseStatus[] } {
  const who = rng.sample(users, k);
  return { who, statuses: who.map(() => drawStatus(rng, pDraft, pDiscarded)) };
}

/** Responder count: 0 with probability pNone, otherwise weighted 1..4. */
function responderCount(rng: Rng, pNone: number, weights: [number, number, number, number]): number {
  return rng.chance(pNone) ? 0 : 1 + rng.weightedIndex(weights);
}

/** Vote plan for record i; every `tieEvery`-th record is forced to be an exact tie. */
function planFor(rng: Rng, i: number, tieEvery: number, w: Record<VotePlan, number>): VotePlan {
  if (i % tieEvery === tieEvery - 1) return "tie";
  return rng.weighted<VotePlan>(["agree", "majority", "tie", "noisy"], [w.agree, w.majority, w.tie, w.noisy]);
}

/**
 * Responders for a record whose submitted votes must tie exactly: an even number of submitted
 * responses (2 or 4), plus at most one draft or discarded response.
 */
function tieResponders(rng: Rng, users: string[], k: number): { who: string[]; statuses: ResponseStatus[] } {
  const n = Math.min(users.length, Math.max(2, k));
  const statuses: ResponseStatus[] = n === 4 ? ["submitted", "submitted", "submitted", "submitted"]
    : n === 3 ? rng.shuffle<ResponseStatus>(["submitted", "submitted", rng.chance(0.5) ? "draft" : "discarded"])
    : ["submitted", "submitted"];
  return { who: rng.sample(users, n), statuses };
}

const countSubmitted = (statuses: ResponseStatus[]) => statuses.filter((s) => s === "submitted").length;

/** Rough Flesch reading ease (syllables = vowel groups), for a float metadata property. */
function readingEase(text: string): number {
  const ws = text.match(/[A-Za-z']+/g) ?? [];
  const sentences = Math.max(1, (text.match(/[.!?]+(\s|$)/g) ?? []).length);
  const syllables = ws.reduce((n, w) => n + Math.max(1, (w.toLowerCase().replace(/e$/, "").match(/[aeiouy]+/g) ?? []).length), 0);
  const score = 206.835 - 1.015 * (ws.length / sentences) - 84.6 * (syllables / Math.max(1, ws.length));
  return Math.round(Math.min(100, Math.max(0, score)) * 10) / 10;
}

/** Unique-text guard: retries `make` until it returns a text not seen before. */
function unique<T>(seen: Set<string>, key: (v: T) => string, make: () => T, tries = 50): T {
  for (let t = 0; t < tries; t++) {
    const v = make();
    const k = key(v);
    if (!seen.has(k)) {
      seen.add(k);
      return v;
    }
  }
  throw new Error("could not generate a unique example; enlarge the word lists");
}

// ---------------------------------------------------------------------------------------------
// sentiment-reviews: text classification (label_selection), 4 annotators
// ---------------------------------------------------------------------------------------------

type Sentiment = "positive" | "negative" | "neutral";
const REVIEW_CATEGORIES = ["electronics", "kitchen", "books", "toys", "outdoor"] as const;
type ReviewCategory = (typeof REVIEW_CATEGORIES)[number];

const PRODUCTS: Record<ReviewCategory, string[]> = {
  electronics: ["wireless earbuds", "phone charger", "Bluetooth speaker", "USB-C hub", "e-reader", "smartwatch", "webcam", "power bank"],
  kitchen: ["chef's knife", "cast iron pan", "electric kettle", "coffee grinder", "blender", "toaster", "rice cooker", "salad spinner"],
  books: ["cookbook", "mystery novel", "travel guide", "picture book", "biography", "fantasy box set", "gardening handbook", "puzzle book"],
  toys: ["building block set", "wooden train set", "jigsaw puzzle", "remote control car", "plush rabbit", "board game", "science kit", "kite"],
  outdoor: ["camping tent", "hiking backpack", "folding chair", "water bottle", "head torch", "sleeping bag", "garden hose", "picnic blanket"],
};
// aspects that fit every product of the category
const GOOD: Record<ReviewCategory, string[]> = {
  electronics: ["It works perfectly with both my phone and my laptop.", "Setup took less than a minute.", "The build feels solid and premium.", "It's compact and light enough for travel.", "It does exactly what it says on the box.", "The quality is far better than I expected for the price."],
  kitchen: ["It feels sturdy and well balanced.", "It cleans up in seconds.", "It looks great on the counter.", "It's easy to use, even for a beginner.", "The quality feels like it will last for years.", "It has made cooking on weeknights so much easier."],
  books: ["I couldn't put it down.", "The writing is clear and engaging.", "It is well researched and easy to read.", "The chapters are short, so it's perfect for the commute.", "The paper and the cover are lovely quality.", "It's full of practical, useful detail."],
  toys: ["My daughter has played with it every day since.", "The pieces fit together perfectly.", "It kept both kids busy for hours.", "It's very well made, with no sharp edges.", "The instructions were easy to follow.", "Even my teenager joined in."],
  outdoor: ["It survived a week of camping without a scratch.", "It's light and packs down small.", "It's well made and feels tough.", "It was perfect for our weekend in the hills.", "It's great value compared with the big brands.", "Setting it up was easy."],
};
const BAD: Record<ReviewCategory, string[]> = {
  electronics: ["It stopped working after two weeks.", "It randomly cuts out every few minutes.", "It feels cheap and flimsy.", "It gets worryingly hot.", "The instructions are useless.", "It arrived with a scratched casing."],
  kitchen: ["Rust spots appeared after the first wash.", "The finish started peeling after a month.", "It feels flimsy for the price.", "Part of it broke within weeks.", "It's a pain to clean.", "It's much smaller than it looked online."],
  books: ["My copy arrived creased and torn.", "It drags badly in the middle.", "There are typos on almost every page.", "The print is tiny and hard to read.", "Half of the information is out of date.", "The binding fell apart within a week."],
  toys: ["Two pieces were missing from the box.", "It broke within an hour.", "The paint chipped almost immediately.", "One part stopped working on day two.", "It's far smaller than the pictures suggest.", "The batteries it needs are not included."],
  outdoor: ["A seam split on the first trip.", "It leaked the first time we used it.", "It's much heavier than advertised.", "It cracked after a single drop.", "The colour faded after one summer.", "It's uncomfortable to carry for long."],
};
const OPENERS: Record<Sentiment, string[]> = {
  positive: ["Really happy with this {p}.", "Best {p} I've owned.", "Bought this {p} as a gift and ended up getting one for myself.", "Five stars for this {p}.", "Great value {p}.", "Pleasantly surprised by this {p}."],
  negative: ["Very disappointed with this {p}.", "Do not buy this {p}.", "I wanted to like this {p}, but no.", "Returned this {p} after a week.", "Complete waste of money.", "This {p} is a letdown."],
  neutral: ["The {p} is okay.", "Mixed feelings about this {p}.", "This {p} is fine for the price.", "Decent {p}, nothing special.", "I've used this {p} for a month now.", "It's an average {p}."],
};
const CLOSERS: Record<Sentiment, string[]> = {
  positive: ["Would definitely recommend.", "Worth every penny.", "Will buy again.", "", "Delivery was quick too.", "Ten out of ten."],
  negative: ["Avoid.", "Customer service never replied.", "I'm asking for a refund.", "", "One star is generous.", "Save your money."],
  neutral: ["It does the job.", "Not sure I'd buy it again.", "Fine if it's on sale.", "", "Three stars feels right.", "Your mileage may vary."],
};
const SARCASM = [
  "Great, another {p} that gave up after a week. Truly impressive engineering.",
  "Oh wonderful, the {p} arrived broken. Exactly what I wanted for my birthday.",
  "Love how the {p} works perfectly for ten minutes and then never again.",
];

function makeReview(rng: Rng, cat: ReviewCategory, s: Sentiment, sarcastic: boolean): string {
  const p = rng.pick(PRODUCTS[cat]);
  if (sarcastic) return rng.pick(SARCASM).replace("{p}", p);
  const parts = [rng.pick(OPENERS[s]).replace("{p}", p)];
  if (s === "positive") {
    parts.push(...rng.sample(GOOD[cat], rng.int(1, 2)));
    if (rng.chance(0.25)) parts.push(`My only complaint: ${rng.pick(BAD[cat]).replace(/^\w/, (c) => c.toLowerCase())}`);
  } else if (s === "negative") {
    parts.push(...rng.sample(BAD[cat], rng.int(1, 2)));
    if (rng.chance(0.2)) parts.push(`To be fair, ${rng.pick(GOOD[cat]).replace(/^\w/, (c) => c.toLowerCase())}`);
  } else {
    const [a, b] = [rng.pick(GOOD[cat]), rng.pick(BAD[cat])];
    parts.push(rng.chance(0.5) ? `${a} On the other hand, ${b.replace(/^\w/, (c) => c.toLowerCase())}` : `${b} That said, ${a.replace(/^\w/, (c) => c.toLowerCase())}`);
  }
  const closer = rng.pick(CLOSERS[s]);
  if (closer) parts.push(closer);
  return parts.join(" ");
}

function sentimentReviews(): Sample {
  const rng = new Rng("sentiment-reviews");
  const labels: Sentiment[] = ["positive", "negative", "neutral"];
  const config = datasetConfig({
    fields: [textField("text", "Review")],
    questions: [labelQuestion("sentiment", "What is the overall sentiment of the review?", labels, {
      description: "Choose neutral for mixed reviews that lean neither way. Sarcasm counts as negative.",
    })],
    guidelines: "Label the overall sentiment the customer expresses about the product, not about delivery or the seller.",
    metadataProperties: [termsProperty("category", "Product category", [...REVIEW_CATEGORIES]), integerProperty("stars", "Star rating", 1, 5)],
  });
  const users = stableUsers("sentiment-reviews", 4);
  const seen = new Set<string>();
  const records: ExportRecord[] = [];
  for (let i = 0; i < 120; i++) {
    const cat = rng.pick(REVIEW_CATEGORIES);
    const sarcastic = i % 29 === 13;
    const truth: Sentiment = sarcastic ? "negative" : rng.weighted(labels, [45, 35, 20]);
    const text = unique(seen, (t) => t, () => makeReview(rng, cat, truth, sarcastic));
    const stars = sarcastic ? rng.int(1, 2) : truth === "positive" ? rng.int(4, 5) : truth === "negative" ? rng.int(1, 2) : 3;
    const plan = sarcastic ? "noisy" : planFor(rng, i, 16, truth === "neutral" ? { agree: 40, majority: 30, tie: 10, noisy: 20 } : { agree: 70, majority: 20, tie: 3, noisy: 7 });
    let k = i % 20 === 9 ? 0 : responderCount(rng, 0.03, [0, 2, 12, 3]);
    const { who, statuses } = plan === "tie" && k > 0 ? tieResponders(rng, users, k) : responders(rng, users, k);
    // disagreement mostly goes to the neighbouring label (neutral), then to the opposite one
    const alt = truth === "neutral"
      ? altFrom<string>(rng, ["positive", "negative"])
      : (ex: string[]) => ["neutral", truth === "positive" ? "negative" : "positive"].find((x) => !ex.includes(x));
    const votes = planVotes<string>(rng, plan, countSubmitted(statuses), truth, alt, 0.6);
    const responses = assemble(who, statuses, votes.map((v) => ({ sentiment: v })), () => ({ sentiment: rng.chance(0.7) ? truth : rng.pick(labels) }));
    let suggestions: Record<string, ExportSuggestion> | undefined;
    if (rng.chance(0.4) || sarcastic) {
      // the model misses sarcasm and often calls mixed reviews positive
      const value = sarcastic ? "positive" : truth === "neutral" && rng.chance(0.5) ? "positive" : rng.chance(0.9) ? truth : rng.pick(labels);
      suggestions = { sentiment: { value, type: "model", score: value === truth ? rng.float(0.62, 0.99, 2) : rng.float(0.4, 0.75, 2), agent: "review-sentiment-roberta-v2" } };
    }
    records.push({ fields: { text }, responses, suggestions, external_id: `review-${pad4(i + 1)}`, metadata: { category: cat, stars } });
  }
  return {
    name: "sentiment-reviews",
    family: "text classification",
    notes: ["Product reviews labelled positive / negative / neutral by 4 annotators (usually 3 per review); mixed and sarcastic reviews cause disagreement and exact ties."],
    config,
    records,
  };
}

// ---------------------------------------------------------------------------------------------
// support-topics: multi-label classification (labels as a value -> title dict)
// ---------------------------------------------------------------------------------------------

const TOPIC_LABELS = { billing: "Billing", shipping: "Shipping", account: "Account", bug: "Bug report", "feature-request": "Feature request" };
type Topic = keyof typeof TOPIC_LABELS;
const TOPIC_ORDER = Object.keys(TOPIC_LABELS) as Topic[];

const TICKET_SNIPPETS: Record<Topic, { subject: string; text: string }[]> = {
  billing: [
    { subject: "Charged twice", text: "I was charged twice for my {month} subscription." },
    { subject: "Wrong price on invoice", text: "My invoice still shows the old price even though I downgraded to the Basic plan." },
    { subject: "VAT invoice needed", text: "Could you send me a VAT invoice for the {month} payment? Our accountant needs it." },
    { subject: "Refund not received", text: "The refund you confirmed on {date} still hasn't reached my card." },
    { subject: "Card declined", text: "My card was declined at checkout, but the money has left my bank account." },
    { subject: "Cancel renewal", text: "Please make sure my annual plan does not renew automatically next month." },
  ],
  shipping: [
    { subject: "Order not moving", text: "Order #{order} has said 'label created' for six days now." },
    { subject: "Delivered to wrong address", text: "The tracking page says order #{order} was delivered, but it went to a house on the next street." },
    { subject: "Change delivery address", text: "Can I still change the delivery address for order #{order}? It shipped this morning." },
    { subject: "Damaged parcel", text: "The box arrived crushed and the ceramic lamp inside is broken." },
    { subject: "Shipping to Norway", text: "Do you ship to Norway, and are import duties included in the price?" },
    { subject: "Missing item", text: "Order #{order} arrived without the second pillow cover I paid for." },
  ],
  account: [
    { subject: "Can't log in", text: "I can't log in because the password reset email never arrives." },
    { subject: "Change email address", text: "Please change the email address on my account to {email}." },
    { subject: "Delete my account", text: "How do I delete my account and all the data you hold about me?" },
    { subject: "Account locked", text: "My account was locked after too many login attempts and I can't unlock it." },
    { subject: "Add a team member", text: "I'd like to add a second user to our business account." },
    { subject: "Two-factor problems", text: "I got a new phone and can no longer receive the two-factor codes." },
  ],
  bug: [
    { subject: "App crashes", text: "The Android app crashes every time I open my order history." },
    { subject: "Checkout button broken", text: "The 'Place order' button does nothing in Safari." },
    { subject: "Prices unreadable", text: "In dark mode the prices are dark grey on black and impossible to read." },
    { subject: "Search ignores accents", text: "Searching for anything with an accent, like 'café', returns no results." },
    { subject: "Empty CSV export", text: "Exporting my orders to CSV produces an empty file." },
    { subject: "Discount code error", text: "Valid discount codes show 'something went wrong' at checkout." },
  ],
  "feature-request": [
    { subject: "Pause subscription", text: "It would be great to pause a subscription for a month instead of cancelling it." },
    { subject: "Apple Pay", text: "Please add Apple Pay as a payment option." },
    { subject: "Bulk invoice download", text: "Could you add a way to download all invoices for a year in one go?" },
    { subject: "Dark mode on mobile", text: "A dark mode in the iPhone app would be lovely." },
    { subject: "Choose delivery day", text: "Please let us choose the delivery day when ordering." },
    { subject: "Wishlist sharing", text: "It would be nice to share a wishlist with family before birthdays." },
  ],
};
const GREETINGS = ["Hi,", "Hello,", "Hi there,", "Good morning,", "Dear support team,", ""];
const BRIDGES = ["Also,", "On top of that,", "While I'm writing:", "One more thing:", "And"];
const SIGNOFFS = ["Thanks, {name}", "Best regards, {name}", "Cheers, {name}", "{name}", "Thank you in advance. {name}"];
const NAMES = ["Priya", "Tom", "Ana", "Jens", "Mei", "Oluwaseun", "Claire", "Mateo", "Hannah", "Yusuf", "Sofia", "Liam"];
const MONTHS = ["January", "February", "March", "April", "May", "June"];

function supportTopics(): Sample {
  const rng = new Rng("support-topics");
  const config = datasetConfig({
    fields: [textField("subject", "Subject"), textField("message", "Message")],
    questions: [multiLabelQuestion("topics", "Which topics does the ticket cover?", TOPIC_LABELS, {
      description: "Select every topic the customer raises, including secondary ones.",
    })],
    guidelines: "Tag each support ticket with all the topics it mentions so it can be routed to the right teams. A payment that fails because of an error message is both billing and bug.",
    metadataProperties: [termsProperty("channel", "Channel", ["email", "chat", "web-form"]), integerProperty("account-age-days", "Account age (days)", 0, 3650)],
  });
  const users = stableUsers("support-topics", 3);
  const seen = new Set<string>();
  const records: ExportRecord[] = [];
  for (let i = 0; i < 100; i++) {
    const n = rng.weighted([1, 2, 3], [50, 38, 12]);
    const topics = rng.sample(TOPIC_ORDER, n);
    const { subject, message } = unique(seen, (t) => t.message, () => {
      const snippets = topics.map((t) => rng.pick(TICKET_SNIPPETS[t]));
      const fill = (s: string) => s
        .replace("{order}", String(rng.int(100000, 999999)))
        .replace("{month}", rng.pick(MONTHS))
        .replace("{date}", `${rng.int(1, 28)} ${rng.pick(MONTHS)}`)
        .replace("{email}", `${rng.pick(NAMES).toLowerCase()}.${rng.int(10, 99)}@example.com`);
      const body = snippets.map((s, k) => (k === 0 ? fill(s.text) : `${rng.pick(BRIDGES)} ${fill(s.text).replace(/^\w/, (c) => c.toLowerCase())}`));
      const subject = snippets[0].subject + (n > 1 && rng.chance(0.4) ? " and more" : "");
      if (rng.chance(0.4)) return { subject, message: body.join(" ") + rng.pick(["", "", " Thanks!", " Thanks in advance."]) }; // chat / web form
      const greeting = rng.pick(GREETINGS);
      const sign = rng.pick(SIGNOFFS).replace("{name}", rng.pick(NAMES));
      return { subject, message: [greeting, body.join(" "), sign].filter(Boolean).join("\n\n") }; // email
    });
    const truth: string[] = TOPIC_ORDER.filter((t) => topics.includes(t));
    let k = i % 18 === 4 ? 0 : responderCount(rng, 0.02, [8, 8, 10, 0]);
    const tie = i % 12 === 7 && truth.length > 1;
    const { who, statuses } = tie && k > 0 ? tieResponders(rng, users, k) : responders(rng, users, k);
    // annotators miss a secondary topic or add a neighbouring one; a tie is two different label sets
    const variant = (): string[] => {
      const r = rng.next();
      if (r < 0.7) return truth;
      if (r < 0.85 && truth.length > 1) return truth.filter((t) => t !== rng.pick(truth.slice(1)));
      const extra = rng.pick(TOPIC_ORDER.filter((t) => !truth.includes(t)));
      return TOPIC_ORDER.filter((t) => truth.includes(t) || t === extra);
    };
    const sub = countSubmitted(statuses);
    const values: string[][] = tie ? [truth, truth.slice(0, -1)].concat(Array.from({ length: Math.max(0, sub - 2) }, variant)) : Array.from({ length: sub }, variant);
    const responses = assemble(who, statuses, rng.shuffle(values).map((v) => ({ topics: v })), () => ({ topics: variant() }));
    let suggestions: Record<string, ExportSuggestion> | undefined;
    if (rng.chance(0.45)) {
      const value = rng.chance(0.75) ? truth : variant();
      suggestions = { topics: { value, type: "model", score: value.map(() => rng.float(0.5, 0.98, 2)), agent: "ticket-router-v3" } };
    }
    records.push({
      fields: { subject, message },
      responses,
      suggestions,
      external_id: `TCK-${20400 + i * 7}`,
      metadata: { channel: rng.weighted(["email", "chat", "web-form"], [5, 3, 2]), "account-age-days": rng.int(0, 3000) },
    });
  }
  return {
    name: "support-topics",
    family: "multi-label text classification",
    notes: ["Customer support tickets tagged with one or more topics by 3 annotators (1-3 per ticket); the labels are a value -> title mapping in argilla.yaml. Model suggestions carry one score per suggested label."],
    config,
    records,
  };
}

// ---------------------------------------------------------------------------------------------
// answer-quality: question + answer, rating 1-5 and a verdict label
// ---------------------------------------------------------------------------------------------

/** [topic, question, [quality, answer][]] */
const QA_BANK: [string, string, [number, string][]][] = [
  ["cooking", "How long should I boil an egg for a runny yolk?", [
    [5, "Lower the egg into water that is already boiling and cook it for 6 minutes, then put it in cold water for a minute. The white will be set and the yolk still runny."],
    [3, "About 6 minutes."],
    [2, "Boil it for a while and keep checking it."],
    [1, "Boil it for 12 minutes; that gives a nice runny yolk."]]],
  ["cooking", "Why does my homemade bread come out dense?", [
    [5, "Dense bread usually means the dough did not rise enough. Check that the yeast is fresh, let the dough rise until it has roughly doubled, and knead long enough to develop the gluten. Adding too much flour also makes a heavy loaf."],
    [4, "Your yeast may be old, or the dough didn't rise for long enough."],
    [2, "Try a different recipe."],
    [1, "Add more flour to the dough; extra flour makes bread lighter."]]],
  ["cooking", "Can I freeze cooked rice?", [
    [5, "Yes. Cool it quickly (within an hour), pack it into airtight bags or boxes and freeze it for up to a month. Reheat it until it is steaming hot all the way through."],
    [4, "Yes, cooked rice freezes well for about a month."],
    [2, "Maybe, it depends on the rice."],
    [1, "No, rice can never be frozen once it has been cooked."]]],
  ["cooking", "What can I use instead of buttermilk in a recipe?", [
    [5, "Stir one tablespoon of lemon juice or white vinegar into a cup of milk and let it stand for 5 to 10 minutes. Plain yogurt thinned with a little milk also works."],
    [3, "Milk with some lemon juice in it."],
    [2, "Buttermilk is hard to replace, so it's best to buy some."],
    [1, "Use the same amount of water; it works exactly the same way."]]],
  ["gardening", "How often should I water tomato plants?", [
    [5, "Water deeply two or three times a week instead of a little every day, and more often in hot weather or if they are in pots. Keep the soil evenly moist; swinging between bone dry and soaked makes the fruit split."],
    [4, "Deeply, a few times a week, and more often when it's hot."],
    [2, "Whenever they look thirsty."],
    [1, "Once a month is plenty for tomatoes."]]],
  ["gardening", "When should I plant tulip bulbs?", [
    [5, "Plant them in autumn, about six to eight weeks before the ground freezes, roughly 15 cm deep with the pointed end facing up."],
    [3, "In the fall."],
    [2, "Spring or autumn, it doesn't really matter."],
    [1, "Plant them in midsummer so they flower in August."]]],
  ["gardening", "Why are the leaves on my basil plant turning yellow?", [
    [5, "The most common cause is overwatering or poor drainage. Let the top of the soil dry out between waterings, make sure the pot has drainage holes, and give the plant at least six hours of light a day."],
    [4, "Probably too much water. Make sure the pot drains properly."],
    [2, "Basil just does that sometimes."],
    [1, "It needs more water, so water it twice a day."]]],
  ["gardening", "Are used coffee grounds good for compost?", [
    [5, "Yes. Used coffee grounds count as nitrogen-rich 'green' material. Mix them with brown material such as dry leaves or cardboard, and keep them to about a fifth of the pile."],
    [4, "Yes, used grounds are a good source of nitrogen for compost."],
    [3, "Yes."],
    [1, "No, coffee grounds kill the worms in any compost heap."]]],
  ["personal-finance", "What is an emergency fund and how big should it be?", [
    [5, "It is money set aside for unexpected costs such as losing your job or a broken boiler. A common guideline is three to six months of essential expenses, kept in an easy-access savings account."],
    [4, "Savings for emergencies, usually three to six months of expenses."],
    [2, "Some money you keep for emergencies."],
    [1, "It's the same thing as a pension, so you don't need a separate one."]]],
  ["personal-finance", "Should I pay off debt or build savings first?", [
    [5, "Build a small emergency buffer first, then put extra money toward the debt with the highest interest rate while paying the minimum on everything else. Credit card interest is usually far higher than what savings earn."],
    [3, "Pay off the debt."],
    [2, "It depends on your situation."],
    [1, "Always save first; the interest on debt doesn't matter."]]],
  ["personal-finance", "What does APR mean on a loan?", [
    [5, "APR stands for annual percentage rate. It is the yearly cost of borrowing, including interest and most fees, expressed as a percentage so that you can compare loans."],
    [4, "Annual percentage rate: the yearly cost of the loan."],
    [2, "It's a type of interest."],
    [1, "It means 'automatic payment request'."]]],
  ["personal-finance", "Is it worth making extra payments on my mortgage?", [
    [5, "Often, yes: extra payments reduce the principal, so you pay less interest over the life of the loan. Check first that your lender doesn't charge early repayment fees, and keep an emergency fund."],
    [4, "Usually, because it cuts the total interest. Check for early repayment fees first."],
    [2, "Only if you have lots of spare money."],
    [1, "No, extra payments only increase the interest you owe."]]],
  ["home-repair", "How do I fix a dripping tap?", [
    [5, "Turn off the water supply under the sink and open the tap to drain it. Remove the handle, replace the worn washer or cartridge, reassemble it, and turn the water back on slowly."],
    [4, "It's usually a worn washer. Shut off the water and replace it."],
    [2, "Call a plumber."],
    [1, "Tighten the handle as hard as you can; that stops the drip for good."]]],
  ["home-repair", "What's the best way to patch a small hole in drywall?", [
    [5, "For holes smaller than about 2 cm, clean the edges, fill the hole with lightweight spackle, let it dry, sand it smooth and paint. Larger holes need a self-adhesive mesh patch first."],
    [4, "Fill it with spackle, then sand and paint."],
    [3, "Use some filler."],
    [1, "Put tape over it and paint over the tape."]]],
  ["home-repair", "Why does my circuit breaker keep tripping?", [
    [5, "Usually the circuit is overloaded because too many high-power appliances share it. A short circuit or a ground fault can also trip it. Unplug devices and reset it; if it trips with nothing plugged in, call an electrician."],
    [4, "Most likely too many appliances are running on the same circuit."],
    [2, "Breakers just trip sometimes."],
    [1, "Tape the switch in the ON position so it can't trip again."]]],
  ["home-repair", "How can I stop my bathroom mirror from fogging up?", [
    [5, "Run the extractor fan during your shower and for 15 minutes afterwards, and open a window if you can. Wiping a thin layer of shaving foam over the mirror also keeps it clear for a few weeks."],
    [4, "Use the extractor fan and keep the room ventilated."],
    [3, "Open a window."],
    [1, "Take colder showers; nothing else works."]]],
  ["travel", "Do I need a visa to visit Japan as a tourist?", [
    [5, "It depends on your passport. Citizens of many countries, including the US, the UK and EU member states, can visit visa-free for short stays, but check the official Ministry of Foreign Affairs of Japan website for your nationality before you book."],
    [4, "Many nationalities don't for short stays, but check the official website."],
    [2, "No."],
    [1, "Everyone needs a visa, and it takes six months to get one."]]],
  ["travel", "How early should I get to the airport for an international flight?", [
    [5, "Aim to arrive about three hours before departure. That leaves time for check-in, bag drop, security and passport control. Also check your airline's bag-drop cut-off time."],
    [4, "About three hours before the flight."],
    [2, "Early enough."],
    [1, "Fifteen minutes before departure is plenty for any flight."]]],
  ["travel", "What's the best way to avoid jet lag?", [
    [5, "Start shifting your sleep by an hour a day before you leave, drink water on the flight, and get daylight in the morning at your destination. On the first day, stay up until a normal local bedtime."],
    [4, "Switch to local time quickly and get some morning daylight."],
    [2, "Sleep a lot."],
    [1, "Drink plenty of coffee and skip sleep for two days."]]],
  ["travel", "Can I pack a power bank in my checked luggage?", [
    [5, "No. Power banks and spare lithium batteries must travel in your carry-on bag, not in checked luggage, because of the fire risk. Most airlines allow power banks up to 100 Wh without special approval."],
    [4, "No, they have to go in your hand luggage."],
    [2, "Check with your airline."],
    [1, "Yes, checked luggage is the safest place for batteries."]]],
];
const VERDICTS = ["correct", "partially-correct", "incorrect"];
const verdictFor = (q: number) => (q >= 4 ? "correct" : q >= 2 ? "partially-correct" : "incorrect");

function answerQuality(): Sample {
  const rng = new Rng("answer-quality");
  const config = datasetConfig({
    fields: [textField("question", "Question"), textField("answer", "Answer", { markdown: true })],
    questions: [
      ratingQuestion("quality", "Rate the quality of the answer", [1, 2, 3, 4, 5], { description: "1 = wrong or unsafe, 3 = partly useful, 5 = correct, complete and clear." }),
      labelQuestion("verdict", "Is the answer factually correct?", VERDICTS, { description: "Partially correct: true but incomplete or too vague to act on." }),
    ],
    guidelines: "Judge each answer as if a friend had asked the question. Unsafe advice is always rated 1 and marked incorrect.",
    metadataProperties: [
      termsProperty("topic", "Topic", ["cooking", "gardening", "personal-finance", "home-repair", "travel"]),
      floatProperty("readability", "Reading ease (Flesch)", 0, 100),
    ],
  });
  const users = stableUsers("answer-quality", 4);
  const items = rng.shuffle(QA_BANK.flatMap(([topic, question, answers]) => answers.map(([quality, answer]) => ({ topic, question, quality, answer }))));
  const records: ExportRecord[] = items.map((it, i) => {
    const plan = planFor(rng, i, 11, { agree: 45, majority: 30, tie: 5, noisy: 20 });
    let k = i % 23 === 10 ? 0 : responderCount(rng, 0.02, [0, 3, 10, 4]);
    const { who, statuses } = plan === "tie" && k > 0 ? tieResponders(rng, users, k) : responders(rng, users, k);
    const near = [it.quality - 1, it.quality + 1].filter((q) => q >= 1 && q <= 5);
    const ratings = planVotes<number>(rng, plan, countSubmitted(statuses), it.quality, altFrom(rng, near), 0.55);
    const values = ratings.map((q) => ({ quality: q, verdict: rng.chance(0.9) ? verdictFor(q) : verdictFor(it.quality) }));
    // drafts are often half-finished: only the rating filled in
    const responses = assemble(who, statuses, values, (): Record<string, AnswerValue> => (rng.chance(0.4) ? { quality: it.quality } : { quality: it.quality, verdict: verdictFor(it.quality) }));
    let suggestions: Record<string, ExportSuggestion> | undefined;
    if (rng.chance(0.35)) {
      const q = rng.chance(0.7) ? it.quality : rng.pick(near);
      suggestions = {
        quality: { value: q, type: "model", score: rng.float(0.45, 0.95, 2), agent: "answer-judge-7b" },
        verdict: { value: verdictFor(q), type: "model", score: rng.float(0.5, 0.97, 2), agent: "answer-judge-7b" },
      };
    }
    const ease = readingEase(it.answer);
    return {
      fields: { question: it.question, answer: it.answer },
      responses,
      suggestions,
      external_id: `aq-${pad4(i + 1)}`,
      metadata: { topic: it.topic, readability: pyFloat(ease) },
    };
  });
  return {
    name: "answer-quality",
    family: "rating-based classification",
    notes: ["Questions with answers of varying quality: 20 questions x 4 answers, rated 1-5 (`quality`) and labelled correct / partially-correct / incorrect (`verdict`) by 4 annotators (usually 3 per answer).", "`readability` is a float metadata property (Flesch reading ease of the answer)."],
    config,
    records,
  };
}

// ---------------------------------------------------------------------------------------------
// response-preference: ranking over two responses (reward modelling / DPO)
// ---------------------------------------------------------------------------------------------

interface PrefPrompt { task: string; prompt: string; good: string; alt: string; wrong: string; poor?: string }

const PREF_BANK: PrefPrompt[] = [
  { task: "explain", prompt: "Explain what a VPN does in two sentences.",
    good: "A VPN creates an encrypted tunnel between your device and a server run by the VPN provider, so people on the same network can't see what you're doing. Websites see the VPN server's IP address instead of yours.",
    alt: "It encrypts your internet traffic and routes it through another server. This hides your activity from your local network and masks your IP address from the sites you visit.",
    wrong: "A VPN makes your internet connection faster by compressing every website. It also removes all viruses from the files you download." },
  { task: "explain", prompt: "Explain the difference between RAM and storage to a beginner.",
    good: "RAM is your computer's short-term working memory: it holds the programs and files you are using right now and is cleared when you switch off. Storage (an SSD or hard drive) keeps your files permanently, even when the power is off.",
    alt: "Think of RAM as your desk and storage as your filing cabinet. The desk is small but quick to work on; the cabinet holds everything long-term but takes longer to get things from.",
    wrong: "RAM and storage are the same thing; RAM is just the old name for a hard drive." },
  { task: "explain", prompt: "Why do we see lightning before we hear thunder?",
    good: "Light travels about a million times faster than sound. The flash reaches you almost instantly, while the sound of thunder covers roughly one kilometre every three seconds.",
    alt: "Because light is much faster than sound. Count the seconds between the flash and the thunder and divide by three to get the distance to the storm in kilometres.",
    wrong: "Thunder comes a few seconds after the lightning because the clouds only bump into each other once the lightning has finished." },
  { task: "explain", prompt: "What is inflation?",
    good: "Inflation is the general rise in prices over time, which means the same amount of money buys less than it used to. It is usually measured as the yearly change in a consumer price index.",
    alt: "When prices across the economy go up, each pound or dollar buys a little less. That loss of purchasing power is called inflation.",
    wrong: "Inflation is when the government starts making coins that are bigger than before." },
  { task: "explain", prompt: "How do vaccines work, in simple terms?",
    good: "A vaccine shows your immune system a harmless piece or a weakened version of a germ. Your body learns to recognise it and makes antibodies and memory cells, so it can fight off the real germ quickly later.",
    alt: "Vaccines train your immune system. They give it a safe preview of a germ so it is ready to respond fast if you are ever exposed to the real thing.",
    wrong: "Vaccines work by killing every germ in your body for the next ten years." },
  { task: "explain", prompt: "What does 'HTTP 404' mean?",
    good: "It is the status code a web server returns when it can't find the page you asked for, for example because the link is broken or the page was removed.",
    alt: "404 means 'Not Found': the server is reachable, but the page or file at that address doesn't exist.",
    wrong: "A 404 error means your internet connection is down." },
  { task: "explain", prompt: "Why do leaves change colour in autumn?",
    good: "As the days get shorter, trees stop making chlorophyll, the green pigment. Once it breaks down, the yellow and orange pigments that were there all along become visible, and some trees also produce red pigments.",
    alt: "The green chlorophyll fades as the tree gets ready for winter, revealing the yellows and oranges underneath.",
    wrong: "Leaves change colour because the cold air freezes them, which turns them brown and then red." },
  { task: "explain", prompt: "What is the difference between a virus and bacteria?",
    good: "Bacteria are single-celled living organisms that can reproduce on their own, and many are harmless. Viruses are much smaller and can only multiply inside the cells of a host. Antibiotics work against bacteria but not against viruses.",
    alt: "Bacteria are tiny living cells; viruses are not cells at all and have to hijack your cells to copy themselves. That's why antibiotics don't cure a cold.",
    wrong: "There is no difference; virus is simply the medical word for bacteria." },
  { task: "advice", prompt: "My neighbour's dog barks all night. How should I bring it up politely?",
    good: "Pick a calm moment during the day and talk to them in person. Describe the problem without blame, for example: \"The dog has been barking a lot at night and it's keeping me awake. Have you noticed?\" Offer to let them know when it happens, and only involve the landlord or council if nothing changes.",
    alt: "Knock on their door during the day and mention it in a friendly way; they may not know it happens while they're asleep or out. A short, polite note works too if you'd rather not talk face to face.",
    wrong: "Just call the police the next time it barks. That's the fastest way to sort it out." },
  { task: "advice", prompt: "How can I prepare for my first job interview?",
    good: "Research the company and the role, prepare two or three short stories that show your skills, and practise answering common questions out loud. Have a couple of questions ready for them, plan your route, and arrive ten minutes early.",
    alt: "Read up on the company, rehearse answers to typical questions with a friend, and prepare questions to ask at the end. Lay out your clothes and documents the night before.",
    wrong: "Don't prepare at all; interviewers prefer candidates who improvise everything." },
  { task: "advice", prompt: "I keep forgetting to drink water during the day. Any tips?",
    good: "Keep a refillable bottle on your desk where you can see it, drink a glass with every meal, and set a few reminders on your phone. Marking times on the bottle can help you pace yourself.",
    alt: "Tie drinking to habits you already have, like a glass after brushing your teeth and one with each meal, and carry a bottle with you.",
    wrong: "Drink all your water at once in the evening so you don't have to think about it during the day." },
  { task: "advice", prompt: "What should I do if I lock myself out of my house?",
    good: "First check every door and window you can safely reach, and call anyone who has a spare key. If that doesn't work, call a licensed locksmith and ask for a quote first. Don't try to force a window; it's easy to get hurt or cause expensive damage.",
    alt: "Call whoever has a spare key, such as a family member, your landlord or a neighbour. Otherwise, a reputable locksmith can usually get you in within an hour.",
    wrong: "Break the nearest window. It's cheaper than calling a locksmith." },
  { task: "advice", prompt: "How do I say no to extra work when my plate is already full?",
    good: "Be honest and specific: explain what you're working on and ask which task should move if the new one is a priority. For example: \"I'm focused on the launch until Friday. If this is urgent, which of my current tasks should I pause?\"",
    alt: "Thank them for thinking of you, explain your current workload, and suggest another time or another person. Offering an alternative keeps the answer helpful rather than a flat no.",
    wrong: "Say yes to everything and work at the weekend; refusing work always looks bad." },
  { task: "code", prompt: "How do I reverse a list in Python?",
    good: "Use slicing to get a reversed copy, or `reverse()` to reverse the list in place:\n\n```python\nnumbers = [1, 2, 3]\nreversed_copy = numbers[::-1]  # [3, 2, 1]\nnumbers.reverse()              # numbers is now [3, 2, 1]\n```",
    alt: "`my_list[::-1]` returns a new reversed list. If you want to change the original list instead, call `my_list.reverse()`.",
    wrong: "Use `my_list.sort(reverse=True)`. It always gives you the list in reverse order." },
  { task: "code", prompt: "How do I check which Git branch I'm on?",
    good: "Run `git branch --show-current` (Git 2.22 or later). `git status` also prints the current branch on its first line.",
    alt: "Type `git status`; the first line says `On branch <name>`. `git branch` lists all local branches and marks the current one with an asterisk.",
    wrong: "Run `git remote -v`. It shows the branch you are currently on." },
  { task: "code", prompt: "How do I center a div horizontally with CSS?",
    good: "Give it a width and set its horizontal margins to `auto`:\n\n```css\n.box {\n  width: 300px;\n  margin: 0 auto;\n}\n```\n\nAlternatively, make the parent a flex container with `justify-content: center`.",
    alt: "Use flexbox on the parent:\n\n```css\n.parent {\n  display: flex;\n  justify-content: center;\n}\n```",
    wrong: "Add `text-align: center` to the div itself. That centres the div inside its parent." },
  { task: "code", prompt: "In JavaScript, how do I remove duplicates from an array?",
    good: "Convert it to a `Set` and back to an array:\n\n```js\nconst unique = [...new Set([1, 2, 2, 3])]; // [1, 2, 3]\n```\n\nThis keeps the first occurrence of each value and preserves the order.",
    alt: "`Array.from(new Set(arr))` returns a new array without duplicates. For arrays of objects you need to compare a key instead, for example with `filter` and `findIndex`.",
    wrong: "Call `arr.unique()`. Every JavaScript array has this method built in." },
  { task: "summarize", prompt: "Summarize in one sentence: The town council voted on Tuesday to close Elm Street to cars on Saturdays from June to September. Shop owners on the street had asked for the change to attract more visitors, although some residents worried about parking. The trial will be reviewed in October.",
    good: "The council will close Elm Street to cars on summer Saturdays as a trial requested by shop owners, to be reviewed in October.",
    alt: "Elm Street will be car-free on Saturdays from June to September in a trial that the council reviews in October.",
    wrong: "The council has banned cars from Elm Street every day of the year." },
  { task: "summarize", prompt: "Summarize in one sentence: Our customer survey received 1,240 responses this quarter. Satisfaction with delivery speed rose from 71% to 83%, mainly thanks to the new warehouse, but satisfaction with the mobile app fell slightly, to 64%, with many comments about slow loading times.",
    good: "Delivery satisfaction rose to 83% thanks to the new warehouse, while app satisfaction dipped to 64% because of slow loading.",
    alt: "Customers are happier with delivery speed (83%, up from 71%) but slightly less happy with the slow mobile app (64%).",
    wrong: "Customers were unhappy with everything, and satisfaction fell across the board." },
  { task: "summarize", prompt: "Summarize in one sentence: From 1 March the library will open at 9:00 instead of 10:00 on weekdays and close at 17:00 instead of 16:00 on Saturdays. Sunday opening hours are unchanged.",
    good: "From 1 March the library opens an hour earlier on weekdays and closes an hour later on Saturdays, with Sundays unchanged.",
    alt: "New hours from 1 March: weekdays from 9:00 and Saturdays until 17:00, while Sunday stays the same.",
    wrong: "The library will be closed on Sundays from 1 March." },
  { task: "summarize", prompt: "Summarize in one sentence: Researchers followed 2,000 adults for five years and found that those who walked at least 7,000 steps a day had a lower risk of heart disease than those who walked fewer than 4,000. The benefit levelled off above about 10,000 steps.",
    good: "In a five-year study of 2,000 adults, walking at least 7,000 steps a day was linked to a lower risk of heart disease, with little extra benefit above 10,000.",
    alt: "Walking 7,000 or more steps a day was associated with a lower risk of heart disease, and the benefit plateaued at around 10,000 steps.",
    wrong: "The study proved that everyone must walk exactly 10,000 steps a day or they will get heart disease." },
  { task: "rewrite", prompt: "Rewrite this message so it sounds professional: \"hey, cant make the meeting tmrw, can we move it?\"",
    good: "Hi, unfortunately I can't attend tomorrow's meeting. Could we reschedule it?",
    alt: "Hello, I'm afraid I won't be able to make tomorrow's meeting. Would it be possible to move it to another time?",
    wrong: "Hi, I will attend tomorrow's meeting as planned.",
    poor: "hey, can't make the meeting tomorrow, can we move it?" },
  { task: "rewrite", prompt: "Rewrite this message so it sounds professional: \"the report is late cuz the data was a mess\"",
    good: "The report has been delayed because the data needed more cleaning than expected.",
    alt: "Apologies for the delay to the report; the data required significant cleanup.",
    wrong: "The report is ready and the data was perfect.",
    poor: "The report is late because the data was a mess." },
  { task: "rewrite", prompt: "Rewrite this message so it sounds professional: \"pls send me the invoice asap thx\"",
    good: "Could you please send me the invoice at your earliest convenience? Thank you.",
    alt: "Please send me the invoice as soon as possible. Many thanks.",
    wrong: "I have already paid the invoice, thank you.",
    poor: "Please send me the invoice asap, thx." },
  { task: "rewrite", prompt: "Rewrite this message so it sounds professional: \"ur product broke after 2 days, not happy\"",
    good: "I'm disappointed to report that the product stopped working after only two days.",
    alt: "Unfortunately, the product broke two days after I received it, and I am not satisfied.",
    wrong: "I'm very happy with the product, which has worked perfectly.",
    poor: "Your product broke after 2 days. Not happy." },
];
const POOR_GENERIC = ["I'm not sure, sorry.", "You can look this up online.", "Sure!", "That's a great question.", "It depends.", "I'd rather not answer that."];

const fmtNum = (n: number) => {
  const [i, d] = String(n).split(".");
  return i.replace(/\B(?=(\d{3})+$)/g, ",") + (d ? `.${d}` : "");
};

function mathPrompt(rng: Rng): PrefPrompt {
  const kind = rng.int(0, 3);
  if (kind === 0) {
    const p = rng.pick([5, 10, 12, 15, 20, 25, 30, 40, 75]);
    const n = rng.int(4, 48) * 20;
    const a = (p * n) / 100;
    return { task: "math", prompt: `What is ${p}% of ${fmtNum(n)}?`,
      good: `${p}% of ${fmtNum(n)} is ${fmtNum(a)}, because ${fmtNum(n)} × ${p / 100} = ${fmtNum(a)}.`,
      alt: `${fmtNum(a)}. To find it, divide ${fmtNum(n)} by 100 and multiply by ${p}.`,
      wrong: `${p}% of ${fmtNum(n)} is ${fmtNum(a * 10)}.`,
      poor: "Just use a calculator for percentages." };
  }
  if (kind === 1) {
    const x = rng.int(3, 250) / 10;
    const g = Math.round(x * 1000);
    return { task: "math", prompt: `How many grams are in ${x} kilograms?`,
      good: `${x} kilograms is ${fmtNum(g)} grams, since one kilogram is 1,000 grams.`,
      alt: `There are ${fmtNum(g)} grams in ${x} kg (multiply by 1,000).`,
      wrong: `${x} kilograms is ${fmtNum(g / 10)} grams.`,
      poor: "A lot of grams." };
  }
  if (kind === 2) {
    const h = rng.int(2, 36) / 2;
    const m = h * 60;
    return { task: "math", prompt: `How many minutes are there in ${h} hours?`,
      good: `${h} hours is ${fmtNum(m)} minutes, because each hour has 60 minutes.`,
      alt: `${fmtNum(m)} minutes (${h} × 60).`,
      wrong: `${h} hours is ${fmtNum(h * 100)} minutes.`,
      poor: "Quite a few minutes." };
  }
  const c = rng.pick([15, 20, 25, 35, 45, 60, 75]);
  const n = rng.int(3, 40);
  const total = (c * n) / 100;
  const dollars = total.toFixed(2);
  return { task: "math", prompt: `Pencils cost ${c} cents each. How much do ${n} pencils cost in dollars?`,
    good: `${n} pencils cost $${dollars}: ${n} × ${c} cents = ${fmtNum(c * n)} cents, which is $${dollars}.`,
    alt: `$${dollars}, since ${n} × $${(c / 100).toFixed(2)} = $${dollars}.`,
    wrong: `${n} pencils cost $${(total * 10).toFixed(2)}.`,
    poor: `It costs ${fmtNum(c * n)}.` };
}

type Pair = { r1: string; r2: string; truth: number[] }; // truth = ranks of [response-1, response-2]

function responsePreference(): Sample {
  const rng = new Rng("response-preference");
  const config = datasetConfig({
    fields: [textField("prompt", "Prompt"), textField("response-1", "Response 1", { markdown: true }), textField("response-2", "Response 2", { markdown: true })],
    questions: [rankingQuestion("preference", "Rank the responses from best (1) to worst (2)", ["response-1", "response-2"], {
      description: "Prefer correct, helpful and well-written responses. Give both the same rank only when they are equally good.",
    })],
    guidelines: "Compare the two responses to the prompt. Correctness matters most, then helpfulness, then tone and clarity.",
    metadataProperties: [
      termsProperty("task", "Task type", ["math", "explain", "advice", "code", "summarize", "rewrite"]),
      floatProperty("length-ratio", "Length of response 1 / response 2", 0, 100),
    ],
  });
  const users = stableUsers("response-preference", 4);
  const seenPrompts = new Set<string>(PREF_BANK.map((p) => p.prompt));
  const prompts = [...PREF_BANK, ...Array.from({ length: 25 }, () => unique(seenPrompts, (p) => p.prompt, () => mathPrompt(rng)))];
  const items: { task: string; prompt: string; a: string; b: string; truth: "a" | "b" | "tie" }[] = [];
  for (const p of prompts) {
    const poor = p.poor ?? rng.pick(POOR_GENERIC);
    items.push({ task: p.task, prompt: p.prompt, a: p.good, b: p.wrong, truth: "a" });
    const second = rng.weighted([0, 1, 2], [45, 35, 20]);
    if (second === 0) items.push({ task: p.task, prompt: p.prompt, a: p.alt, b: poor, truth: "a" });
    else if (second === 1) items.push({ task: p.task, prompt: p.prompt, a: p.good, b: p.alt, truth: "tie" });
    else items.push({ task: p.task, prompt: p.prompt, a: poor, b: p.wrong, truth: "a" }); // unhelpful beats wrong
  }
  const records: ExportRecord[] = rng.shuffle(items).slice(0, 100).map((it, i) => {
    const swap = rng.chance(0.5);
    const pair: Pair = { r1: swap ? it.b : it.a, r2: swap ? it.a : it.b, truth: it.truth === "tie" ? [1, 1] : (it.truth === "a") !== swap ? [1, 2] : [2, 1] };
    const key = (r: number[]) => r.join(",");
    const options = [[1, 2], [2, 1], [1, 1]];
    const plan = it.truth === "tie" ? rng.weighted<VotePlan>(["agree", "tie", "noisy"], [30, 30, 40]) : planFor(rng, i, 13, { agree: 65, majority: 22, tie: 3, noisy: 10 });
    let k = i % 19 === 6 ? 0 : responderCount(rng, 0.02, [0, 3, 10, 3]);
    const { who, statuses } = plan === "tie" && k > 0 ? tieResponders(rng, users, k) : responders(rng, users, k);
    // a near-tie splits between the two strict orders; a clear pair's dissent is an equal ranking
    const alt = (ex: string[]) => {
      const order = it.truth === "tie" ? [[1, 2], [2, 1]] : [[1, 1], pair.truth[0] === 1 ? [2, 1] : [1, 2]];
      return order.map(key).find((o) => !ex.includes(o));
    };
    const votes = planVotes<string>(rng, plan, countSubmitted(statuses), key(pair.truth), alt, 0.7);
    const asRanking = (k2: string): RankingAnswer => {
      const [a, b] = k2.split(",").map(Number);
      return [{ value: "response-1", rank: a }, { value: "response-2", rank: b }];
    };
    const responses = assemble(who, statuses, votes.map((v) => ({ preference: asRanking(v) })), () => ({ preference: asRanking(key(rng.pick(options))) }));
    let suggestions: Record<string, ExportSuggestion> | undefined;
    if (rng.chance(0.35)) {
      const s1 = rng.float(0.05, 0.95, 2);
      const s2 = Math.round((1 - s1) * 100) / 100;
      suggestions = { preference: { value: asRanking(s1 >= s2 ? "1,2" : "2,1"), type: "model", score: [s1, s2], agent: "reward-model-deberta-v3" } };
    }
    return {
      fields: { prompt: it.prompt, "response-1": pair.r1, "response-2": pair.r2 },
      responses,
      suggestions,
      external_id: `pref-${pad4(i + 1)}`,
      metadata: { task: it.task, "length-ratio": pyFloat(Math.round((pair.r1.length / pair.r2.length) * 100) / 100) },
    };
  });
  return {
    name: "response-preference",
    family: "reward modelling / DPO",
    notes: ["Prompts with two responses ranked by 4 annotators, usually 3 per pair (`preference`: rank 1 = better; equal ranks mean a tie). Pairs include correct vs wrong, helpful vs unhelpful and two equally good answers.", "Ranking values are exported as {\"rank\": [...], \"value\": [...]}; model suggestions carry one score per response."],
    config,
    records,
  };
}

// ---------------------------------------------------------------------------------------------
// instructions-curated: instruction / context (optional) / response + corrected response + rating
// ---------------------------------------------------------------------------------------------

interface Instr { category: string; instruction: string; context: string | null; response: string; flawed: string }

const PASSAGES: { context: string; tasks: [string, string, string, string][] }[] = [
  { context: "The Eiffel Tower is a wrought-iron lattice tower on the Champ de Mars in Paris. It was designed by the engineering company of Gustave Eiffel and built between 1887 and 1889 as the entrance arch to the 1889 World's Fair. The tower is about 330 metres tall and was the tallest man-made structure in the world until the Chrysler Building in New York was completed in 1930.",
    tasks: [
      ["closed_qa", "When was the Eiffel Tower built?", "It was built between 1887 and 1889, as the entrance arch to the 1889 World's Fair.", "It was built in 1925."],
      ["closed_qa", "Which building took over the title of tallest man-made structure from the Eiffel Tower?", "The Chrysler Building in New York, completed in 1930.", "The Empire State Building."],
      ["information_extraction", "Extract the tower's height and the years it was built as a bulleted list.", "- Height: about 330 metres\n- Built: 1887 to 1889", "- Height: 330 metres"],
      ["summarization", "Summarize the passage in one sentence.", "The Eiffel Tower in Paris, built for the 1889 World's Fair and about 330 metres tall, was the world's tallest man-made structure until 1930.", "The Eiffel Tower is in Paris."],
    ] },
  { context: "Honey bees live in colonies with a single queen, thousands of female worker bees and, in summer, a few hundred male drones. The workers collect nectar and pollen, build the wax comb and care for the young. A strong colony can contain between 20,000 and 80,000 bees at its summer peak.",
    tasks: [
      ["closed_qa", "How many queens does a honey bee colony have?", "A colony has a single queen.", "A colony usually has around a hundred queens."],
      ["closed_qa", "What jobs do worker bees do?", "Worker bees collect nectar and pollen, build the wax comb and care for the young.", "Worker bees only lay eggs."],
      ["information_extraction", "List the three types of bees in a colony mentioned in the text.", "Queen, workers and drones.", "Queen and workers."],
      ["summarization", "Summarize this text in one sentence for a child.", "A bee family has one queen, lots of worker bees that do the jobs, and some boy bees called drones, and it can have up to 80,000 bees in summer.", "Bees make honey."],
    ] },
  { context: "Marie Curie was a Polish-born physicist and chemist who worked in France. She was the first woman to win a Nobel Prize and remains the only person to have won Nobel Prizes in two different sciences: physics in 1903 and chemistry in 1911. Together with her husband Pierre, she discovered the elements polonium and radium.",
    tasks: [
      ["closed_qa", "In which two sciences did Marie Curie win Nobel Prizes?", "Physics, in 1903, and chemistry, in 1911.", "Physics and medicine."],
      ["closed_qa", "Which elements did Marie and Pierre Curie discover?", "Polonium and radium.", "Uranium and radium."],
      ["information_extraction", "Extract the years of Marie Curie's Nobel Prizes.", "1903 and 1911.", "1903."],
      ["summarization", "Summarize the passage in one sentence.", "Polish-born scientist Marie Curie discovered polonium and radium with her husband and was the first woman to win a Nobel Prize, winning in both physics and chemistry.", "Marie Curie was a scientist who won a prize."],
    ] },
  { context: "The Great Barrier Reef, off the coast of Queensland in north-eastern Australia, is the world's largest coral reef system. It is made up of nearly 3,000 individual reefs and stretches for more than 2,300 kilometres. Rising sea temperatures have caused several mass coral bleaching events since the late 1990s.",
    tasks: [
      ["closed_qa", "How long is the Great Barrier Reef?", "It stretches for more than 2,300 kilometres.", "It is about 300 kilometres long."],
      ["closed_qa", "What has caused mass coral bleaching on the reef?", "Rising sea temperatures.", "Too many tourists touching the coral."],
      ["information_extraction", "Extract the number of individual reefs and the reef's length.", "Nearly 3,000 reefs; more than 2,300 kilometres long.", "3,000."],
      ["summarization", "Summarize the passage in one sentence.", "The Great Barrier Reef off Queensland is the world's largest coral reef system, with nearly 3,000 reefs over 2,300 kilometres, and has suffered bleaching from rising sea temperatures.", "The reef is big."],
    ] },
  { context: "The Moon is Earth's only natural satellite. It orbits Earth at an average distance of about 384,400 kilometres and takes about 27.3 days to complete one orbit. Because it also takes about 27.3 days to rotate once on its axis, the same side of the Moon always faces Earth.",
    tasks: [
      ["closed_qa", "How far is the Moon from Earth on average?", "About 384,400 kilometres.", "About 38,440 kilometres."],
      ["closed_qa", "Why do we always see the same side of the Moon?", "Because the Moon takes the same time, about 27.3 days, to rotate once on its axis as it takes to orbit Earth.", "Because the Moon does not rotate at all."],
      ["summarization", "Summarize the passage in one sentence.", "The Moon, Earth's only natural satellite, orbits about 384,400 km away every 27.3 days and always shows us the same side because it rotates in the same time.", "The Moon goes around the Earth."],
    ] },
  { context: "Python is a high-level programming language created by Guido van Rossum and first released in 1991. It emphasises code readability and uses indentation to define code blocks. Python 3.0, released in 2008, was not fully backward compatible with earlier versions.",
    tasks: [
      ["closed_qa", "Who created Python?", "Guido van Rossum.", "James Gosling."],
      ["closed_qa", "How does Python define code blocks?", "With indentation.", "With curly braces."],
      ["information_extraction", "Extract all the years mentioned in the passage and what happened in each.", "- 1991: Python was first released.\n- 2008: Python 3.0 was released.", "- 1991"],
      ["summarization", "Summarize the passage in one sentence.", "Python is a readable, indentation-based programming language created by Guido van Rossum in 1991, whose 3.0 release in 2008 broke backward compatibility.", "Python is a snake."],
    ] },
  { context: "Penicillin was discovered in 1928 by Alexander Fleming, who noticed that a mould called Penicillium had killed the bacteria in one of his culture dishes. It was not produced in large quantities until the 1940s, after Howard Florey and Ernst Chain developed ways to purify it. The three men shared the 1945 Nobel Prize in Physiology or Medicine.",
    tasks: [
      ["closed_qa", "Who discovered penicillin and when?", "Alexander Fleming, in 1928.", "Louis Pasteur, in 1880."],
      ["information_extraction", "List the people mentioned in the passage.", "Alexander Fleming, Howard Florey and Ernst Chain.", "Alexander Fleming."],
      ["summarization", "Summarize the passage in one sentence.", "Alexander Fleming discovered penicillin in 1928, and after Howard Florey and Ernst Chain found ways to purify it in the 1940s, the three shared the 1945 Nobel Prize.", "Penicillin is a medicine."],
    ] },
  { context: "Mount Everest, on the border between Nepal and the Tibet Autonomous Region of China, is the highest mountain above sea level, at 8,849 metres. Edmund Hillary and Tenzing Norgay made the first confirmed ascent on 29 May 1953.",
    tasks: [
      ["closed_qa", "How tall is Mount Everest?", "8,849 metres above sea level.", "6,849 metres."],
      ["closed_qa", "Who made the first confirmed ascent of Everest?", "Edmund Hillary and Tenzing Norgay, on 29 May 1953.", "George Mallory, in 1924."],
      ["information_extraction", "Extract the countries or regions Everest lies between.", "Nepal and the Tibet Autonomous Region of China.", "Nepal and India."],
    ] },
  { context: "Tea is made by pouring hot water over the cured leaves of the Camellia sinensis plant. Green tea is made from leaves that have not been oxidised, while black tea leaves are fully oxidised, which gives them a darker colour and a stronger flavour. After water, tea is the most widely consumed drink in the world.",
    tasks: [
      ["closed_qa", "What is the difference between green and black tea?", "Green tea leaves are not oxidised, while black tea leaves are fully oxidised, giving black tea a darker colour and stronger flavour.", "Green tea comes from a different plant."],
      ["closed_qa", "Which plant is tea made from?", "Camellia sinensis.", "The coffee plant."],
      ["summarization", "Summarize the passage in one sentence.", "Tea, the world's most popular drink after water, is made from Camellia sinensis leaves, which are left unoxidised for green tea and fully oxidised for black tea.", "Tea is a drink."],
    ] },
  { context: "The Rosetta Stone is a granodiorite slab inscribed in 196 BC with the same decree in three scripts: Egyptian hieroglyphs, Demotic and Ancient Greek. French soldiers found it in Egypt in 1799, and it has been in the British Museum since 1802. Because the Greek text could be read, the stone became the key to deciphering hieroglyphs, a breakthrough made by Jean-François Champollion in 1822.",
    tasks: [
      ["closed_qa", "Why was the Rosetta Stone important?", "Because it carries the same text in Ancient Greek, which could be read, it became the key to deciphering Egyptian hieroglyphs.", "Because it is made of gold."],
      ["information_extraction", "List the three scripts on the Rosetta Stone.", "Egyptian hieroglyphs, Demotic and Ancient Greek.", "Hieroglyphs and Latin."],
      ["closed_qa", "Who deciphered the hieroglyphs, and in which year?", "Jean-François Champollion, in 1822.", "Napoleon, in 1799."],
    ] },
  { context: "Octopuses have three hearts and blue blood. Two of the hearts pump blood through the gills, while the third pumps it around the rest of the body. Their blood is blue because it uses a copper-based protein, haemocyanin, to carry oxygen.",
    tasks: [
      ["closed_qa", "How many hearts does an octopus have?", "Three.", "One."],
      ["closed_qa", "Why is octopus blood blue?", "It uses a copper-based protein called haemocyanin to carry oxygen.", "Because octopuses live in the sea."],
    ] },
];

const OPEN_INSTR: Instr[] = [
  ["open_qa", "What is the boiling point of water at sea level?", "100 degrees Celsius (212 degrees Fahrenheit).", "90 degrees Celsius."],
  ["open_qa", "Why is the sky blue?", "Sunlight is scattered by the gas molecules in the atmosphere, and shorter blue wavelengths are scattered much more strongly than longer red ones, so blue light reaches our eyes from every part of the sky.", "Because it reflects the colour of the oceans."],
  ["open_qa", "What is the difference between weather and climate?", "Weather is the state of the atmosphere over hours or days, such as today's rain. Climate is the average pattern of weather in a region over decades.", "They mean the same thing."],
  ["open_qa", "Who wrote Pride and Prejudice?", "Jane Austen. The novel was first published in 1813.", "Charlotte Brontë wrote it in 1847."],
  ["open_qa", "What is the largest planet in our solar system?", "Jupiter, a gas giant about eleven times wider than Earth.", "Saturn."],
  ["open_qa", "What causes the seasons on Earth?", "The tilt of Earth's axis, about 23.5 degrees. As Earth orbits the Sun, each hemisphere leans towards the Sun for part of the year, getting more direct sunlight and longer days, and leans away for the rest.", "Earth is closer to the Sun in summer and farther away in winter."],
  ["open_qa", "Why do we have leap years?", "One orbit of the Sun takes about 365.24 days. Adding an extra day to February every four years, except in most century years, keeps the calendar in step with the seasons.", "To give February the same number of days as the other months."],
  ["open_qa", "What is the capital of Australia?", "Canberra.", "Sydney."],
  ["open_qa", "What does DNA stand for?", "Deoxyribonucleic acid.", "Dynamic nuclear acid."],
  ["open_qa", "How many bones are in the adult human body?", "206.", "About 300."],
  ["open_qa", "Which gas do plants take from the air for photosynthesis?", "Carbon dioxide.", "Oxygen."],
  ["open_qa", "In which year did people first walk on the Moon?", "In 1969, during the Apollo 11 mission; Neil Armstrong was the first to step onto the surface.", "In 1972."],
  ["general_qa", "What is compound interest?", "Interest calculated on both the original amount and the interest already added. Because the interest itself earns interest, savings grow faster over time than with simple interest.", "Interest that is only ever paid on the original amount."],
  ["general_qa", "Is it better to rent or to buy a home?", "It depends on how long you plan to stay, local prices and your savings. Buying usually makes sense if you will stay for many years and can afford the deposit and upkeep; renting gives flexibility and lower upfront costs.", "Buying is always better."],
  ["general_qa", "Why should I back up my files?", "Drives fail, laptops get lost or stolen, and ransomware can encrypt everything. Keeping at least one copy somewhere else, ideally three copies on two kinds of media with one off-site, means you can recover.", "You don't need backups if your computer is new."],
  ["general_qa", "What are the benefits of regular exercise?", "Regular exercise strengthens the heart and muscles, helps control weight, improves sleep and mood, and lowers the risk of diseases such as type 2 diabetes.", "Exercise mainly helps you get a tan."],
  ["general_qa", "How do I make a good cup of black tea?", "Boil fresh water, pour it over the tea bag or leaves and let it steep for three to five minutes. Remove the tea, then add milk or sugar to taste.", "Put the tea bag in cold water and drink it straight away."],
  ["brainstorming", "Give me five ideas for a rainy day with kids.", "1. Build a blanket fort and read stories inside.\n2. Bake and decorate biscuits.\n3. Hold an indoor treasure hunt.\n4. Put on a puppet show with old socks.\n5. Try a simple science experiment, like a baking soda volcano.", "Watch TV."],
  ["brainstorming", "Suggest some names for a new bakery.", "- The Rolling Pin\n- Rise & Shine Bakery\n- Crumb & Co.\n- Golden Crust\n- The Flour Pot", "- Bakery\n- Bread Shop"],
  ["brainstorming", "How can I reduce food waste at home?", "- Plan meals and shop with a list.\n- Store fruit and vegetables properly.\n- Freeze leftovers and bread before they go off.\n- Use older ingredients first.\n- Turn vegetable scraps into stock or compost.", "- Buy more food."],
  ["brainstorming", "What are some good hobbies to pick up in winter?", "Knitting, learning an instrument, indoor climbing, baking bread, doing jigsaw puzzles, and watching birds at a window feeder.", "Sunbathing."],
  ["brainstorming", "Give me ideas for a team-building activity for a remote team.", "- An online quiz with mixed teams\n- A virtual escape room\n- A show-and-tell of something on everyone's desk\n- A shared playlist where everyone adds a song\n- A cook-along where everyone makes the same recipe", "- Fly everyone to Hawaii."],
  ["brainstorming", "What could I cook with eggs, spinach and cheese?", "- A spinach and cheese omelette\n- A frittata\n- Baked eggs on a bed of spinach\n- Savoury spinach and cheese muffins\n- A quiche, if you have pastry", "- Chocolate cake"],
  ["brainstorming", "Suggest three topics for a school science project.", "1. Which materials keep an ice cube frozen the longest?\n2. How does the colour of light affect plant growth?\n3. Which brand of paper towel absorbs the most water?", "1. Science."],
  ["brainstorming", "How can I make my mornings less stressful?", "- Lay out clothes and pack your bag the night before.\n- Set one alarm and get up when it rings.\n- Keep breakfast simple.\n- Leave ten minutes earlier than you think you need to.", "- Skip breakfast and run."],
  ["classification", "Classify each of these as a fruit or a vegetable: carrot, apple, spinach, mango.", "Carrot: vegetable\nApple: fruit\nSpinach: vegetable\nMango: fruit", "Carrot: fruit\nApple: fruit\nSpinach: vegetable\nMango: vegetable"],
  ["classification", "Which of these animals are mammals: dolphin, shark, bat, penguin, horse?", "The dolphin, the bat and the horse are mammals. Sharks are fish and penguins are birds.", "Dolphin, shark and horse."],
  ["classification", "Classify these instruments as string or wind instruments: violin, flute, cello, clarinet, harp.", "String: violin, cello, harp. Wind: flute, clarinet.", "String: violin, flute. Wind: cello, clarinet, harp."],
  ["classification", "Is each of these a programming language or a database: Rust, PostgreSQL, Kotlin, Redis?", "Rust: programming language\nPostgreSQL: database\nKotlin: programming language\nRedis: database", "They are all programming languages."],
  ["classification", "Classify the sentiment of this tweet as positive, negative or neutral: \"Train delayed again, third time this week.\"", "Negative.", "Positive."],
  ["classification", "Which of these countries are in South America: Peru, Kenya, Chile, Portugal, Colombia?", "Peru, Chile and Colombia.", "Peru, Portugal and Colombia."],
  ["classification", "Classify each energy source as renewable or non-renewable: solar, coal, wind, natural gas, hydropower.", "Renewable: solar, wind, hydropower. Non-renewable: coal, natural gas.", "Renewable: solar, coal. Non-renewable: wind, natural gas, hydropower."],
  ["classification", "Is a tomato a fruit or a vegetable?", "Botanically, a tomato is a fruit because it develops from the flower and contains seeds, but in cooking it is usually treated as a vegetable.", "A vegetable, because it grows in gardens."],
  ["creative_writing", "Write a haiku about autumn.", "Crisp leaves drift and fall\ncopper light on the cold path\nthe year exhales slow", "Autumn is a season. Leaves fall. It is cold."],
  ["creative_writing", "Write a two-sentence scary story.", "The baby monitor crackled with a soft voice singing my daughter a lullaby. I was home alone; my daughter was staying at her grandmother's.", "There was a ghost. It was scary."],
  ["creative_writing", "Write a short poem about the sea.", "The sea rolls in with silver hands,\nit smooths the stones and combs the sands,\nthen, humming low, it slips away\nto come back with the turning day.", "The sea is big and blue and wet."],
  ["creative_writing", "Write a limerick about a cat.", "A cat with a fondness for cream\nwould plot and would patiently scheme;\nshe'd wait by the jug\nwith a satisfied shrug,\nthen lap the lot up in a dream.", "There once was a cat. The end."],
  ["creative_writing", "Write the opening line of a mystery novel.", "The letter arrived on the morning of the funeral, addressed in my grandfather's handwriting.", "This is a mystery novel."],
  ["creative_writing", "Write a short thank-you note to a teacher.", "Dear Ms Patel,\n\nThank you for a wonderful year. Your patience and encouragement made me love reading again, and I will always remember our class trips.\n\nWith gratitude,\nSam", "thx for teaching"],
  ["creative_writing", "Write a product description for a reusable water bottle.", "Stay hydrated wherever the day takes you. This 750 ml stainless steel bottle keeps drinks cold for 24 hours or hot for 12, fits most cup holders and has a leak-proof lid.", "It's a bottle."],
  ["creative_writing", "Write a tweet announcing a bakery's new sourdough loaf.", "Fresh out of the oven: our new sourdough! 🍞 Slow-fermented for 36 hours for a crackly crust. Grab a loaf from 8 am tomorrow. #SourdoughSaturday", "we have bread"],
].map(([category, instruction, response, flawed]) => ({ category, instruction, context: null, response, flawed }));

const DOLLY_CATS = ["closed_qa", "information_extraction", "summarization", "open_qa", "general_qa", "brainstorming", "classification", "creative_writing"];

/** A slightly different but still acceptable rewrite by another annotator: drops the last sentence or list item. */
function otherRewrite(text: string): string {
  if (text.includes("\n")) {
    const lines = text.split("\n");
    return lines.length > 3 ? lines.slice(0, -1).join("\n") : text;
  }
  const sentences = text.split(/(?<=[.!?])\s+(?=[A-Z])/);
  return sentences.length > 1 ? sentences.slice(0, -1).join(" ") : text;
}

function instructionsCurated(): Sample {
  const rng = new Rng("instructions-curated");
  const config = datasetConfig({
    fields: [
      textField("instruction", "Instruction"),
      textField("context", "Context", { required: false }),
      textField("response", "Response", { markdown: true }),
    ],
    questions: [
      textQuestion("corrected-response", "Corrected response", {
        description: "Copy the response unchanged if it is correct and complete; otherwise rewrite it so that it is.",
        markdown: true,
      }),
      ratingQuestion("quality", "Rate the original response", [1, 2, 3, 4, 5], { description: "1 = wrong or useless, 5 = correct, complete and well written." }),
    ],
    guidelines: "Each record is an instruction, an optional context passage and a model response. Fix the response when needed and rate the original. When there is a context, the response must rely on it only.",
    metadataProperties: [termsProperty("category", "Category", DOLLY_CATS), integerProperty("response-words", "Words in the response", 0, 500)],
  });
  const users = stableUsers("instructions-curated", 3);
  const withContext: Instr[] = PASSAGES.flatMap((p) => p.tasks.map(([category, instruction, response, flawed]) => ({ category, instruction, context: p.context, response, flawed })));
  const items = rng.shuffle([...withContext, ...OPEN_INSTR]);
  const records: ExportRecord[] = items.map((it, i) => {
    const flawedShown = rng.chance(0.35);
    const response = flawedShown ? it.flawed : it.response;
    const truth = flawedShown ? rng.int(1, 2) : rng.chance(0.7) ? 5 : 4;
    const plan = planFor(rng, i, 14, { agree: 50, majority: 25, tie: 5, noisy: 20 });
    let k = i % 21 === 12 ? 0 : responderCount(rng, 0.03, [10, 8, 5, 0]);
    const { who, statuses } = plan === "tie" && k > 0 ? tieResponders(rng, users, k) : responders(rng, users, k);
    const near = [truth - 1, truth + 1].filter((q) => q >= 1 && q <= 5);
    const ratings = planVotes<number>(rng, plan, countSubmitted(statuses), truth, altFrom(rng, near), 0.6);
    let first = true;
    const correction = () => {
      const base = flawedShown ? it.response : response;
      const v = first || rng.chance(0.6) ? base : otherRewrite(base);
      first = false;
      return v;
    };
    const values = ratings.map((q) => ({ "corrected-response": correction(), quality: q }));
    const responses = assemble(who, statuses, values, (): Record<string, AnswerValue> => (rng.chance(0.5) ? { quality: truth } : { "corrected-response": flawedShown ? it.flawed : response, quality: truth }));
    const suggestions: Record<string, ExportSuggestion> = {};
    if (rng.chance(0.4)) suggestions["corrected-response"] = { value: rng.chance(0.7) ? it.response : response, type: "model", score: null, agent: "llama-2-13b-chat" };
    if (rng.chance(0.3)) suggestions.quality = { value: rng.chance(0.75) ? truth : rng.pick(near), type: "model", score: rng.float(0.4, 0.95, 2), agent: "quality-judge-v1" };
    return {
      fields: { instruction: it.instruction, context: it.context, response },
      responses,
      suggestions,
      external_id: `instr-${pad4(i + 1)}`,
      metadata: { category: it.category, "response-words": words(response) },
    };
  });
  return {
    name: "instructions-curated",
    family: "SFT / DPO from corrections",
    notes: [
      "Dolly-style instruction / context / response records (context is null for open questions); about a third of the responses are flawed. 3 annotators (1-3 per record) write a `corrected-response` (a copy when the response is fine) and rate the original 1-5 (`quality`).",
      "Original response vs corrected response gives SFT targets and rejected/chosen pairs for DPO.",
    ],
    config,
    records,
  };
}

// ---------------------------------------------------------------------------------------------
// support-chat: multi-turn conversation + draft reply, ideal reply (text) + rating
// ---------------------------------------------------------------------------------------------

interface ChatScenario {
  topic: string;
  /** earlier turns, alternating user / assistant, ending with the user's last message */
  turns: string[][]; // variants: each is a full list of turns
  ideal: string;
  mediocre: string;
  wrong: string;
}

const CHAT_SCENARIOS: ChatScenario[] = [
  { topic: "delivery",
    turns: [
      ["Hi, where is my order {order}? It was supposed to arrive yesterday.", "Sorry to hear it's late! Could you confirm the postcode it's being delivered to?", "Sure, it's {postcode}."],
      ["Order {order} still hasn't arrived and the tracking hasn't changed in two days.", "I'm sorry about the wait. Can you confirm the delivery postcode so I can check?", "{postcode}"],
    ],
    ideal: "Thanks! Order {order} left our warehouse on {date} and is with the courier. The latest scan shows a one-day delay at the local depot, so it should arrive tomorrow, and you can follow it with the tracking link in your shipping email. If it hasn't arrived by the end of tomorrow, reply here and I'll arrange a replacement or a refund.",
    mediocre: "Thanks for the information. Your order is on its way and should arrive soon.",
    wrong: "Your order {order} was delivered yesterday, so there is nothing more we can do." },
  { topic: "returns",
    turns: [
      ["I'd like to return the {item} I bought last week. It doesn't fit the space I have."],
      ["Hello! How do I send back the {item}? I changed my mind about it."],
      ["Can I return a {item} if I've already opened the box?"],
    ],
    ideal: "No problem! You can return unused items in their original packaging within 30 days of delivery, even if the box has been opened. Go to Orders in your account, choose the {item} and select \"Return an item\". We'll email you a prepaid label, and once the parcel is scanned your refund is processed within 5 business days.",
    mediocre: "You can return items. Please check our returns page for details.",
    wrong: "Sorry, opened items can't be returned." },
  { topic: "orders",
    turns: [
      ["My {item} arrived with a big crack in it.", "I'm so sorry about that! Could you send a photo of the damage and of the box?", "I've just uploaded two photos."],
      ["The {item} I received is broken.", "Oh no, I'm sorry! Could you share a photo of the damage?", "Done, the photos are attached."],
    ],
    ideal: "Thank you, I can see the damage in the photos. I've arranged a free replacement {item}, which will ship within 2 business days, and you don't need to send the damaged one back. You'll get a confirmation email with tracking shortly.",
    mediocre: "Thanks for the photos. I've passed them on to the team, who will be in touch.",
    wrong: "Thanks. Please post the damaged {item} back to us at your own cost and we'll look into it." },
  { topic: "delivery",
    turns: [
      ["Can I change the delivery address for order {order}? I'm moving on Friday."],
      ["Hi, I typed the wrong street on order {order}. Can you fix the address?"],
    ],
    ideal: "Yes, as long as the order hasn't shipped yet. Order {order} is still being packed, so I can update it now: please send me the full new address, including the postcode, and I'll confirm the change by email.",
    mediocre: "Addresses can sometimes be changed. What is the new address?",
    wrong: "Delivery addresses can never be changed after an order is placed." },
  { topic: "account",
    turns: [
      ["I'm not getting the password reset email.", "Sorry about that. Have you checked your spam or junk folder?", "Yes, there's nothing there either."],
      ["The reset link never arrives, I've tried three times.", "I'm sorry! Could you check your spam folder first?", "Already did, it's not there."],
    ],
    ideal: "Thanks for checking. Reset emails are sometimes blocked by workplace email filters. I've just sent a new link to the address on your account, and it's valid for 60 minutes. If it still doesn't arrive, tell me another email address you can access and I'll verify your identity and update it for you.",
    mediocre: "Please try again later.",
    wrong: "For security reasons we can't help with password resets over chat." },
  { topic: "payments",
    turns: [
      ["I've been charged twice for order {order}!"],
      ["Why are there two payments of {amount} on my card for one order ({order})?"],
    ],
    ideal: "I'm sorry for the worry. I can see two payments of {amount} for order {order}: one of them is only a temporary authorisation hold, which your bank will release automatically within 3 to 5 business days, so you won't be charged twice. If it hasn't disappeared after 5 business days, send me a screenshot of your statement and I'll refund it straight away.",
    mediocre: "This is probably a bank issue. Please contact your bank.",
    wrong: "You were charged twice because you placed the order twice, so both payments are correct." },
  { topic: "payments",
    turns: [
      ["My discount code {code} isn't working."],
      ["The code {code} says it's invalid at checkout. Can you help?", "Of course! What's in your basket at the moment?", "A {item}, it's in the sale."],
    ],
    ideal: "Sorry about that! Code {code} applies to full-price items only and needs a minimum basket of £40, so it won't work on sale items. If your basket meets those conditions and it still fails, tell me what's in it and I'll apply the discount for you manually.",
    mediocre: "Some codes have conditions. Please read the terms.",
    wrong: "Discount codes can only be used in our physical stores." },
  { topic: "account",
    turns: [
      ["Please delete my account and all my data."],
      ["How do I close my account? I don't want you to keep my details."],
      ["I'd like my account removed, along with everything you store about me."],
    ],
    ideal: "I can help with that. For security, I've sent a confirmation link to the email address on your account; once you click it, your account and personal data will be deleted within 30 days. We only keep records we're legally required to hold, such as invoices, for up to 7 years.",
    mediocre: "You can delete your account in the settings.",
    wrong: "We can't delete accounts, but you can unsubscribe from our emails." },
  { topic: "delivery",
    turns: [
      ["Do you deliver to Ireland? And how much does it cost?"],
      ["Hi! I live in Cork. Can I order from you, and what does shipping cost?"],
      ["Do you ship to Dublin? How long does it take and what does it cost?"],
    ],
    ideal: "Yes, we deliver to Ireland. Standard delivery costs €9.95 and takes 3 to 5 business days, and it's free on orders over €100. Prices at checkout already include any customs fees, so there's nothing extra to pay on delivery.",
    mediocre: "Yes, we ship to Ireland. Costs are shown at checkout.",
    wrong: "Sorry, we only deliver within the UK." },
  { topic: "orders",
    turns: [
      ["I just placed order {order} by mistake, can I cancel it?"],
      ["Oops, I ordered the wrong {item} a few minutes ago ({order}). Can you cancel it?"],
    ],
    ideal: "Yes. Orders can be cancelled within 1 hour of being placed, and yours was placed {minutes} minutes ago, so I've cancelled order {order} for you. The refund of {amount} will go back to your original payment method within 3 to 5 business days.",
    mediocre: "I've asked the warehouse whether it can still be cancelled.",
    wrong: "Orders can't be cancelled. You'll have to return it once it arrives." },
  { topic: "orders",
    turns: [
      ["When will the {item} be back in stock?"],
      ["The {item} has been sold out for weeks. Are you getting more?"],
    ],
    ideal: "We're expecting new stock of the {item} in about two weeks, but I can't promise an exact date. If you click \"Notify me\" on the product page, we'll email you as soon as it's available again.",
    mediocre: "It will be back soon.",
    wrong: "The {item} has been discontinued and will never be sold again." },
  { topic: "orders",
    turns: [
      ["This is the third time I'm writing about order {order}. Nobody helps!!", "I'm sorry you've had to contact us again. Let me look at your order history.", "Just fix it."],
      ["Still no parcel and no answer to my emails about {order}. Really fed up.", "I completely understand, and I'm sorry. Let me check what happened.", "Please hurry."],
    ],
    ideal: "I understand, and I'm sorry you've had to chase this. I've read your previous messages: order {order} was lost by the courier. I've issued a full refund of {amount} today and added a £10 voucher to your account for the trouble. You'll receive a confirmation email within the hour.",
    mediocre: "Sorry for the delay. I've escalated your case to a senior colleague.",
    wrong: "Please calm down. Our records show that your order was delivered." },
];
const CHAT_ITEMS = ["oak side table", "linen duvet cover", "ceramic table lamp", "wool throw", "bamboo bath mat", "set of glass storage jars", "desk chair", "wall mirror"];
const CHAT_OPENERS = ["", "Hi, ", "Hello, ", "Hi there! ", "Good evening, "];

/** A conversation as Argilla chat datasets hold it, a JSON list of {role, content}: one message a line, so it stays readable. */
function conversationJson(messages: { role: "user" | "assistant"; content: string }[]): string {
  return `[\n${messages.map((m) => `  ${JSON.stringify(m)}`).join(",\n")}\n]`;
}

function supportChat(): Sample {
  const rng = new Rng("support-chat");
  const config = datasetConfig({
    // `conversation` holds JSON (what a chat template's {"from_field"} reads), so it is not Markdown.
    fields: [textField("conversation", "Conversation"), textField("draft-reply", "Draft reply from the assistant", { markdown: true })],
    questions: [
      textQuestion("ideal-reply", "Write the ideal next assistant reply", {
        description: "Reply to the customer's last message. Keep the draft if it is already ideal; otherwise fix it. Follow the store policies in the guidelines.",
      }),
      ratingQuestion("draft-quality", "How good is the draft reply?", [1, 2, 3, 4, 5], { description: "1 = wrong or rude, 3 = polite but unhelpful, 5 = correct, complete and friendly." }),
    ],
    guidelines: "You are reviewing replies of the Larkspur Home customer service assistant. Policies: returns within 30 days of delivery; refunds within 5 business days; orders can be cancelled within 1 hour; discount codes apply to full-price items only. Write replies that solve the problem in one message.",
    metadataProperties: [termsProperty("topic", "Topic", ["orders", "returns", "payments", "account", "delivery"]), integerProperty("turns", "Turns in the conversation", 1, 20)],
  });
  const users = stableUsers("support-chat", 3);
  const seen = new Set<string>();
  const records: ExportRecord[] = [];
  for (let i = 0; i < 80; i++) {
    const sc = CHAT_SCENARIOS[i % CHAT_SCENARIOS.length];
    let slots: Record<string, string> = {};
    const fill = (t: string) => t.replace(/\{(\w+)\}/g, (_, key: string) => slots[key]);
    const { turns, conversation } = unique(seen, (c) => c.conversation, () => {
      slots = {
        order: `LH-${rng.int(100000, 999999)}`,
        postcode: rng.pick(["BS1 4DJ", "M14 5RQ", "EH3 9HP", "CF10 1EP", "LS6 2AB", "NR2 4TF"]),
        date: `${rng.int(2, 27)} ${rng.pick(["March", "April", "May"])}`,
        item: rng.pick(CHAT_ITEMS),
        amount: `£${rng.int(18, 240)}.${rng.pick(["00", "50", "95", "99"])}`,
        code: rng.pick(["SPRING15", "WELCOME10", "HOME20", "FRIENDS5"]),
        minutes: String(rng.int(3, 40)),
      };
      const t = rng.pick(sc.turns).map(fill);
      const opener = /^(Hi|Hello|Oops)\b/.test(t[0]) ? "" : rng.pick(CHAT_OPENERS);
      if (opener.endsWith(", ") && !/^I\b/.test(t[0])) t[0] = opener + t[0].charAt(0).toLowerCase() + t[0].slice(1);
      else t[0] = opener + t[0];
      const thanks = rng.pick(["", "", "Thanks.", "Thank you!", "Cheers."]);
      if (thanks) t[t.length - 1] += (/[.!?]$/.test(t[t.length - 1]) ? " " : ". ") + thanks;
      return { turns: t, conversation: conversationJson(t.map((content, n) => ({ role: n % 2 === 0 ? "user" : "assistant", content }))) };
    });
    const ideal = fill(sc.ideal);
    const kind = rng.weighted(["ideal", "mediocre", "wrong"], [35, 45, 20]);
    const draft = kind === "ideal" ? ideal : fill(kind === "mediocre" ? sc.mediocre : sc.wrong);
    const truth = kind === "ideal" ? rng.int(4, 5) : kind === "mediocre" ? rng.int(2, 3) : 1;
    const plan = planFor(rng, i, 12, { agree: 45, majority: 25, tie: 5, noisy: 25 });
    let k = i % 17 === 8 ? 0 : responderCount(rng, 0.02, [6, 10, 6, 0]);
    const { who, statuses } = plan === "tie" && k > 0 ? tieResponders(rng, users, k) : responders(rng, users, k);
    const near = [truth - 1, truth + 1].filter((q) => q >= 1 && q <= 5);
    const ratings = planVotes<number>(rng, plan, countSubmitted(statuses), truth, altFrom(rng, near), 0.6);
    const values = ratings.map((q, n) => ({ "ideal-reply": n === 0 || rng.chance(0.6) ? ideal : otherRewrite(ideal), "draft-quality": q }));
    const responses = assemble(who, statuses, values, (): Record<string, AnswerValue> => (rng.chance(0.5) ? { "draft-quality": truth } : { "ideal-reply": draft, "draft-quality": truth }));
    let suggestions: Record<string, ExportSuggestion> | undefined;
    if (rng.chance(0.4)) suggestions = { "ideal-reply": { value: rng.chance(0.6) ? ideal : otherRewrite(ideal), type: "model", score: null, agent: "support-assistant-v2" } };
    records.push({
      fields: { conversation, "draft-reply": draft },
      responses,
      suggestions,
      external_id: `chat-${pad4(i + 1)}`,
      // a few conversations were imported without metadata
      metadata: i % 15 === 14 ? {} : { topic: sc.topic, turns: turns.length },
    });
  }
  return {
    name: "support-chat",
    family: "chat completion",
    notes: [
      'Customer-service conversations. `conversation` holds a JSON list of `{"role", "content"}` messages, one per line, alternating `user` and `assistant` and always ending with a user turn: the shape a chat template inserts with `{"from_field": "conversation"}`.',
      "`draft-reply` is the assistant's draft; 3 annotators (1-3 per record) write the `ideal-reply` (the next assistant turn, the chat-completion target) and rate the draft 1-5 (`draft-quality`).",
    ],
    config,
    records,
  };
}

// ---------------------------------------------------------------------------------------------
// sentence-pairs: sentence similarity (rating 1-5) + NLI label
// ---------------------------------------------------------------------------------------------

const SUBJECTS: { s: string; para: string; gen: string; plural: boolean }[] = [
  { s: "A man", para: "A guy", gen: "A person", plural: false },
  { s: "A woman", para: "A lady", gen: "A person", plural: false },
  { s: "Two children", para: "Two kids", gen: "Some young people", plural: true },
  { s: "An elderly couple", para: "Two older people", gen: "Two people", plural: true },
  { s: "A young girl", para: "A little girl", gen: "A child", plural: false },
  { s: "A group of friends", para: "Several friends", gen: "Some people", plural: true },
  { s: "A teenager", para: "A teen", gen: "A young person", plural: false },
  { s: "A chef", para: "A cook", gen: "Someone", plural: false },
];
const ACTIVITIES: { v: string; para: string; gen: string; contra: string; neutral: string[]; places: [string, string][] }[] = [
  { v: "riding bicycles", para: "cycling", gen: "outdoors", contra: "asleep in bed", neutral: ["racing each other", "on their way to work"], places: [["along a busy street", "down a crowded road"], ["through a park", "across a park"]] },
  { v: "playing guitars", para: "strumming guitars", gen: "making music", contra: "sitting in silence", neutral: ["practising for a concert", "playing songs they wrote"], places: [["on a street corner", "at the corner of a street"], ["in a small bar", "in a little pub"]] },
  { v: "reading newspapers", para: "looking through newspapers", gen: "reading", contra: "swimming in a lake", neutral: ["reading about the election", "waiting for a train"], places: [["on a park bench", "on a bench in the park"], ["in a cafe", "in a coffee shop"]] },
  { v: "walking dogs", para: "taking dogs for a walk", gen: "outside with animals", contra: "driving a truck", neutral: ["walking dogs that belong to neighbours", "walking dogs before breakfast"], places: [["on the beach", "along the shore"], ["in the snow", "through the snow"]] },
  { v: "cooking dinner", para: "preparing an evening meal", gen: "making food", contra: "asleep on the sofa", neutral: ["cooking dinner for a birthday", "cooking a recipe for the first time"], places: [["in a small kitchen", "in a tiny kitchen"], ["over a campfire", "on an open fire"]] },
  { v: "painting a fence", para: "putting paint on a fence", gen: "working outside", contra: "watching television indoors", neutral: ["painting a fence white", "painting a fence for a neighbour"], places: [["in the garden", "in the back yard"], ["in the sunshine", "on a sunny day"]] },
  { v: "climbing a rock wall", para: "scaling a climbing wall", gen: "climbing", contra: "lying on a beach towel", neutral: ["climbing for the first time", "training for a competition"], places: [["at an indoor gym", "in a climbing gym"], ["next to a river", "beside a river"]] },
  { v: "eating ice cream", para: "enjoying ice cream cones", gen: "eating something", contra: "drinking hot soup", neutral: ["eating strawberry ice cream", "eating ice cream after school"], places: [["by the harbour", "near the harbour"], ["in the town square", "in the main square"]] },
];

/** Singular/plural agreement for the activity templates ("A man is riding a bicycle"). */
function agree(subject: { plural: boolean }, activity: string): string {
  const singular = activity
    .replace(/^riding bicycles/, "riding a bicycle").replace(/^playing guitars/, "playing a guitar").replace(/^strumming guitars/, "strumming a guitar")
    .replace(/^reading newspapers/, "reading a newspaper").replace(/^looking through newspapers/, "looking through a newspaper")
    .replace(/^walking dogs that belong to neighbours/, "walking a dog that belongs to a neighbour").replace(/^walking dogs/, "walking a dog")
    .replace(/^taking dogs for a walk/, "taking a dog for a walk").replace(/^outside with animals/, "outside with an animal")
    .replace(/^enjoying ice cream cones/, "enjoying an ice cream cone").replace(/songs they wrote/, "a song of their own")
    .replace(/^racing each other/, "racing a friend");
  return `${subject.plural ? "are" : "is"} ${subject.plural ? activity : singular}`;
}

type Relation = "entailment" | "neutral" | "contradiction";
const HANDWRITTEN_PAIRS: [string, string, string, Relation, number][] = [
  ["news", "The central bank raised interest rates by a quarter of a point on Tuesday.", "Interest rates were increased by the central bank this week.", "entailment", 4],
  ["news", "The central bank raised interest rates by a quarter of a point on Tuesday.", "The central bank cut interest rates on Tuesday.", "contradiction", 2],
  ["news", "Heavy snow closed the airport for most of Monday.", "Flights were disrupted by the weather on Monday.", "entailment", 4],
  ["news", "Heavy snow closed the airport for most of Monday.", "The airport will open a new runway next year.", "neutral", 1],
  ["news", "The city council approved a new cycle lane on Main Street.", "Councillors voted in favour of a bike lane on Main Street.", "entailment", 5],
  ["news", "The city council approved a new cycle lane on Main Street.", "Many residents oppose the new cycle lane.", "neutral", 2],
  ["news", "The museum will reopen in June after a two-year renovation.", "The museum has been closed for renovation.", "entailment", 3],
  ["news", "The museum will reopen in June after a two-year renovation.", "The museum will remain closed permanently.", "contradiction", 1],
  ["news", "Shares in the carmaker fell 8% after it cut its sales forecast.", "The carmaker's stock dropped after a weaker forecast.", "entailment", 5],
  ["news", "Shares in the carmaker fell 8% after it cut its sales forecast.", "The carmaker's shares rose sharply.", "contradiction", 2],
  ["news", "A new study links poor sleep to higher blood pressure.", "Researchers found a connection between sleep and blood pressure.", "entailment", 4],
  ["news", "A new study links poor sleep to higher blood pressure.", "The study was funded by a sleep-tracking company.", "neutral", 2],
  ["news", "The striker scored twice as the home side won 3-1.", "The home team won the match.", "entailment", 4],
  ["news", "The striker scored twice as the home side won 3-1.", "The match ended in a goalless draw.", "contradiction", 1],
  ["news", "The minister resigned on Friday after weeks of pressure.", "The minister is still in office.", "contradiction", 2],
  ["forum", "How do I reset my router to factory settings?", "What's the way to restore a router to its default settings?", "entailment", 5],
  ["forum", "How do I reset my router to factory settings?", "How do I make my Wi-Fi faster?", "neutral", 2],
  ["forum", "My laptop battery drains really fast since the update.", "Since updating, the battery on my laptop runs out quickly.", "entailment", 5],
  ["forum", "My laptop battery drains really fast since the update.", "My laptop battery lasts longer than ever after the update.", "contradiction", 2],
  ["forum", "Is it safe to leave a phone charging overnight?", "Can I charge my phone overnight without damaging it?", "entailment", 4],
  ["forum", "Is it safe to leave a phone charging overnight?", "Which phone charger is the fastest?", "neutral", 2],
  ["forum", "I finally fixed the leak under my sink.", "The leak under my sink is still dripping.", "contradiction", 1],
  ["forum", "I finally fixed the leak under my sink.", "I fixed the sink leak with plumber's tape.", "neutral", 3],
  ["forum", "Best way to learn Spanish as an adult?", "What's the most effective way for a grown-up to learn Spanish?", "entailment", 5],
  ["forum", "Best way to learn Spanish as an adult?", "Is Spanish harder than Italian?", "neutral", 2],
  ["forum", "The new update deleted all my saved passwords.", "After the update, my stored passwords were gone.", "entailment", 5],
  ["forum", "Our cat refuses to eat the new food.", "The cat loves the new food.", "contradiction", 1],
  ["forum", "Our cat refuses to eat the new food.", "The cat is not eating its new food.", "entailment", 5],
  ["forum", "Anyone know a good vegetarian lasagne recipe?", "Looking for a meat-free lasagne recipe.", "entailment", 4],
  ["forum", "Anyone know a good vegetarian lasagne recipe?", "I made lasagne last night.", "neutral", 2],
];

function wordOverlap(a: string, b: string): number {
  const set = (s: string) => new Set(s.toLowerCase().match(/[a-z0-9']+/g) ?? []);
  const x = set(a);
  const y = set(b);
  const inter = [...x].filter((w) => y.has(w)).length;
  return Math.round((inter / (x.size + y.size - inter)) * 100) / 100;
}

function sentencePairs(): Sample {
  const rng = new Rng("sentence-pairs");
  const relations: Relation[] = ["entailment", "neutral", "contradiction"];
  const config = datasetConfig({
    fields: [textField("sentence-1", "Sentence 1"), textField("sentence-2", "Sentence 2")],
    questions: [
      ratingQuestion("similarity", "How similar are the two sentences in meaning?", [1, 2, 3, 4, 5], { description: "1 = unrelated or opposite, 3 = same topic, different claims, 5 = same meaning." }),
      labelQuestion("relation", "If sentence 1 is true, what about sentence 2?", relations, { description: "entailment: it must be true; contradiction: it cannot be true; neutral: it might be true." }),
    ],
    guidelines: "Compare the meaning of the two sentences, not their wording. Assume both describe the same situation.",
    metadataProperties: [termsProperty("genre", "Genre", ["captions", "news", "forum"]), floatProperty("word-overlap", "Word overlap (Jaccard)", 0, 1)],
  });
  const users = stableUsers("sentence-pairs", 4);
  const seen = new Set<string>();
  const pairs: { genre: string; a: string; b: string; rel: Relation; sim: number }[] = HANDWRITTEN_PAIRS.map(([genre, a, b, rel, sim]) => ({ genre, a, b, rel, sim }));
  const kinds = ["paraphrase", "general", "neutral", "contradiction"] as const;
  for (let n = 0; n < 90; n++) {
    const kind = kinds[n % 4];
    pairs.push(unique(seen, (p) => p.a + "|" + p.b, () => {
      const S = rng.pick(SUBJECTS);
      const A = rng.pick(ACTIVITIES);
      const [place, placePara] = rng.pick(A.places);
      const a = `${S.s} ${agree(S, A.v)} ${place}.`;
      if (kind === "paraphrase") return { genre: "captions", a, b: `${S.para} ${agree(S, A.para)} ${placePara}.`, rel: "entailment" as Relation, sim: rng.chance(0.7) ? 5 : 4 };
      if (kind === "general") return { genre: "captions", a, b: `${S.gen} ${agree(S, A.gen)}.`, rel: "entailment" as Relation, sim: rng.chance(0.6) ? 4 : 3 };
      if (kind === "neutral") return { genre: "captions", a, b: `${S.s} ${agree(S, rng.pick(A.neutral))}.`, rel: "neutral" as Relation, sim: rng.chance(0.6) ? 3 : 4 };
      return { genre: "captions", a, b: `${S.s} ${agree(S, A.contra)}.`, rel: "contradiction" as Relation, sim: rng.chance(0.6) ? 1 : 2 };
    }));
  }
  const records: ExportRecord[] = rng.shuffle(pairs).map((p, i) => {
    const plan = planFor(rng, i, 10, p.rel === "neutral" ? { agree: 35, majority: 30, tie: 10, noisy: 25 } : { agree: 60, majority: 25, tie: 5, noisy: 10 });
    let k = i % 26 === 3 ? 0 : responderCount(rng, 0.02, [0, 12, 6, 2]);
    const { who, statuses } = plan === "tie" && k > 0 ? tieResponders(rng, users, k) : responders(rng, users, k);
    const near = [p.sim - 1, p.sim + 1].filter((q) => q >= 1 && q <= 5);
    const sims = planVotes<number>(rng, plan, countSubmitted(statuses), p.sim, altFrom(rng, near), 0.6);
    // the NLI label follows the similarity a voter gave: borderline neutral pairs split with entailment
    const relFor = (sim: number): Relation => (p.rel === "neutral" && sim >= 4 && rng.chance(0.5) ? "entailment" : p.rel === "entailment" && sim <= 2 ? "neutral" : rng.chance(0.93) ? p.rel : rng.pick(relations));
    const responses = assemble(who, statuses, sims.map((s) => ({ similarity: s, relation: relFor(s) })), () => ({ similarity: p.sim, relation: p.rel }));
    const suggestions: Record<string, ExportSuggestion> = {};
    if (rng.chance(0.45)) {
      const value = rng.chance(0.8) ? p.rel : rng.pick(relations);
      suggestions.relation = { value, type: "model", score: rng.float(value === p.rel ? 0.6 : 0.34, value === p.rel ? 0.99 : 0.6, 2), agent: "nli-deberta-v3-base" };
    }
    if (rng.chance(0.3)) suggestions.similarity = { value: rng.chance(0.7) ? p.sim : rng.pick(near), type: "model", score: rng.float(0.1, 0.98, 2), agent: "all-MiniLM-L6-v2" };
    return {
      fields: { "sentence-1": p.a, "sentence-2": p.b },
      responses,
      suggestions,
      external_id: null,
      metadata: { genre: p.genre, "word-overlap": pyFloat(wordOverlap(p.a, p.b)) },
    };
  });
  return {
    name: "sentence-pairs",
    family: "sentence similarity",
    notes: ["Sentence pairs (image captions, news and forum posts) rated 1-5 for similarity and labelled entailment / neutral / contradiction by 4 annotators (usually 2 per pair). No record has an external_id (null), like many Argilla exports."],
    config,
    records,
  };
}

// ---------------------------------------------------------------------------------------------
// faq-qa: extractive question answering over store FAQ passages
// ---------------------------------------------------------------------------------------------

/** [section, context, [question, answer][]]; answers are exact spans unless marked with a leading "~" */
const FAQ: [string, string, [string, string][]][] = [
  ["orders", "You can cancel an order within 1 hour of placing it from the Orders page in your account. After that, the order is sent to our warehouse and can no longer be changed, but you can return it once it arrives. Orders placed after 2 pm ship the next business day.", [
    ["How long do I have to cancel an order?", "within 1 hour of placing it"],
    ["Where can I cancel an order?", "from the Orders page in your account"],
    ["Can I change an order after the first hour?", "can no longer be changed"],
    ["When do orders placed after 2 pm ship?", "the next business day"]]],
  ["orders", "🛒 Your basket is saved for 30 days when you are signed in. Items in the basket are not reserved, so popular products can sell out before you check out. You can order up to 10 units of the same item at a time.", [
    ["How long is my basket saved?", "30 days"],
    ["Are the items in my basket reserved for me?", "not reserved"],
    ["What is the maximum quantity of one item per order?", "10 units"]]],
  ["shipping", "📦 Standard delivery takes 3 to 5 business days and costs £3.95. It is free on orders over £50. Express delivery arrives the next business day if you order before 2 pm and costs £6.95.", [
    ["How long does standard delivery take?", "3 to 5 business days"],
    ["How much does express delivery cost?", "£6.95"],
    ["When is standard delivery free?", "on orders over £50"],
    ["What is the cut-off time for next-day delivery?", "2 pm"],
    ["What does standard delivery cost?", "£3.95"]]],
  ["shipping", "We deliver to the UK, Ireland and most EU countries. Deliveries to Ireland take 3 to 5 business days and cost €9.95; deliveries to other EU countries take 5 to 8 business days. Prices at checkout include all customs fees, so there is nothing extra to pay on delivery. We do not currently ship to the United States or Canada.", [
    ["Do you ship to Canada?", "We do not currently ship to the United States or Canada"],
    ["How long do deliveries to EU countries take?", "5 to 8 business days"],
    ["Will I have to pay customs fees when my parcel arrives?", "there is nothing extra to pay on delivery"],
    ["How much is delivery to Ireland?", "€9.95"]]],
  ["shipping", "Large furniture such as sofas and wardrobes is delivered by a two-person team, who will bring it to the room of your choice. They will text you the day before with a two-hour delivery window. Assembly is available for £35 per item.", [
    ["Who delivers large furniture?", "a two-person team"],
    ["How will I know when my sofa will arrive?", "They will text you the day before with a two-hour delivery window"],
    ["How much does assembly cost?", "£35 per item"],
    ["Will the delivery team carry a wardrobe upstairs?", "~Yes, they will bring it to the room of your choice."]]],
  ["shipping", "If a parcel shows as delivered but you can't find it, check with your neighbours and look for a card from the courier. If it still hasn't turned up after 48 hours, contact us and we'll open an investigation with the courier. Most investigations are closed within 5 business days.", [
    ["What should I do first if my parcel is marked as delivered but I can't find it?", "check with your neighbours and look for a card from the courier"],
    ["How long should I wait before reporting a missing parcel?", "48 hours"],
    ["How long does an investigation with the courier take?", "5 business days"]]],
  ["returns", "↩️ You can return most items within 30 days of delivery, as long as they are unused and in their original packaging. Start a return from the Orders page and we'll email you a prepaid label. Mattresses and made-to-measure curtains can't be returned unless they are faulty.", [
    ["How long do I have to return an item?", "within 30 days of delivery"],
    ["Do I have to pay for return postage?", "~No, we'll email you a prepaid label."],
    ["Which items can't be returned?", "Mattresses and made-to-measure curtains"],
    ["What condition must returned items be in?", "unused and in their original packaging"],
    ["How do I start a return?", "Start a return from the Orders page"]]],
  ["returns", "Refunds are issued to your original payment method within 5 business days of the return reaching our warehouse. Original delivery charges are refunded only if the whole order is returned. If you paid with a gift card, the refund is added to a new gift card.", [
    ["How long do refunds take?", "within 5 business days of the return reaching our warehouse"],
    ["Will I get my delivery charge back?", "only if the whole order is returned"],
    ["How is a gift card payment refunded?", "the refund is added to a new gift card"]]],
  ["returns", "Faulty items can be repaired, replaced or refunded within 12 months of delivery. Please send a photo of the fault when you contact us. We collect large items from your home free of charge.", [
    ["How long do I have to report a faulty item?", "within 12 months of delivery"],
    ["What should I send when I report a fault?", "a photo of the fault"],
    ["Do I have to pay to send back a faulty sofa?", "~No, large items are collected from your home free of charge."]]],
  ["payments", "💳 We accept Visa, Mastercard, American Express, PayPal, Apple Pay and Larkspur gift cards. We don't accept cheques or cash on delivery. Your card is charged when the order is placed.", [
    ["Do you accept PayPal?", "~Yes"],
    ["Can I pay cash on delivery?", "We don't accept cheques or cash on delivery"],
    ["When is my card charged?", "when the order is placed"],
    ["Which cards do you accept?", "Visa, Mastercard, American Express"]]],
  ["payments", "You can spread the cost of orders over £200 into three interest-free monthly payments with Klarna. The first payment is taken when the order ships. Klarna may run a soft credit check, which doesn't affect your credit score.", [
    ["What is the minimum order for paying in instalments?", "£200"],
    ["How many payments can I split my order into?", "three interest-free monthly payments"],
    ["When is the first instalment taken?", "when the order ships"],
    ["Will paying with Klarna affect my credit score?", "doesn't affect your credit score"]]],
  ["payments", "Discount codes are entered on the checkout page and apply to full-price items only. Only one code can be used per order, and codes can't be added after an order has been placed. 🎁 Gift cards are valid for 24 months from the date of purchase.", [
    ["Can I use two discount codes on one order?", "Only one code can be used per order"],
    ["Do discount codes work on sale items?", "apply to full-price items only"],
    ["How long is a gift card valid?", "24 months from the date of purchase"],
    ["Where do I enter a discount code?", "on the checkout page"]]],
  ["account", "To reset your password, click \"Forgot password\" on the sign-in page and we'll send a reset link to your email address. The link is valid for 60 minutes. If the email doesn't arrive, check your spam folder or contact us from the address on your account.", [
    ["How long is the password reset link valid?", "60 minutes"],
    ["How do I reset my password?", "click \"Forgot password\" on the sign-in page"],
    ["What should I do if the reset email doesn't arrive?", "check your spam folder or contact us from the address on your account"]]],
  ["account", "You can change your name, email address and saved addresses under Account settings. To delete your account, contact our support team; we'll send a confirmation link, and your personal data is erased within 30 days. We keep invoices for 7 years because the law requires it.", [
    ["Where can I change my email address?", "under Account settings"],
    ["How long does it take to erase my data?", "within 30 days"],
    ["Why do you keep my invoices?", "because the law requires it"],
    ["How long are invoices kept?", "7 years"]]],
  ["account", "⭐ Larkspur Rewards members earn 1 point for every £1 spent. Every 100 points can be exchanged for a £5 voucher. Points expire if you don't place an order for 18 months. Joining is free.", [
    ["How many points do I earn per pound?", "1 point for every £1 spent"],
    ["What are 100 points worth?", "a £5 voucher"],
    ["When do points expire?", "if you don't place an order for 18 months"],
    ["Does it cost anything to join Rewards?", "~No, joining is free."]]],
  ["orders", "Our shops in Bristol, Leeds and Edinburgh are open from 9 am to 6 pm, Monday to Saturday, and from 11 am to 5 pm on Sundays. Click & Collect orders are ready to pick up from 2 pm the next day. Please bring your order number and a photo ID.", [
    ["What time do the shops open on Sundays?", "11 am"],
    ["When can I pick up a Click & Collect order?", "from 2 pm the next day"],
    ["What do I need to bring to collect my order?", "your order number and a photo ID"],
    ["Where are your shops?", "Bristol, Leeds and Edinburgh"]]],
  ["shipping", "🌱 All our parcels are packed in recycled cardboard and paper tape, with no plastic fillers. You can bring packaging back to any of our shops for recycling. Our delivery vans in London are fully electric.", [
    ["What is the packaging made of?", "recycled cardboard and paper tape"],
    ["Where can I recycle the packaging?", "any of our shops"],
    ["Are your delivery vans electric?", "Our delivery vans in London are fully electric"]]],
];

function faqQa(): Sample {
  const rng = new Rng("faq-qa");
  const config = datasetConfig({
    fields: [textField("question", "Question"), textField("context", "FAQ passage")],
    questions: [textQuestion("answer", "Answer", {
      description: "Copy the shortest part of the passage that answers the question. Only write your own words for yes/no questions.",
    })],
    guidelines: "Answer each customer question from the FAQ passage shown next to it. Copy the exact words from the passage whenever possible.",
    metadataProperties: [termsProperty("section", "FAQ section", ["orders", "shipping", "returns", "payments", "account"]), integerProperty("context-words", "Words in the passage", 1, 200)],
  });
  const users = stableUsers("faq-qa", 3);
  const items = FAQ.flatMap(([section, context, qas], c) => qas.map(([question, answer], q) => ({ section, context, question, answer, id: `faq-${c + 1}-${q + 1}` })));
  const records: ExportRecord[] = items.map((it, i) => {
    const extractive = !it.answer.startsWith("~");
    const answer = extractive ? it.answer : it.answer.slice(1);
    if (extractive && !it.context.includes(answer)) throw new Error(`faq-qa: answer not in context: ${answer}`);
    // the sentence containing the span: a longer but still exact answer some annotators prefer
    const sentence = extractive ? it.context.split(/(?<=[.;])\s+/).find((s) => s.includes(answer))!.replace(/[.;]$/, "").replace(/^\p{Extended_Pictographic}\uFE0F? /u, "") : answer;
    const variant = (): string => {
      const r = rng.next();
      if (r < 0.72 || sentence === answer) return answer;
      if (r < 0.9) return sentence;
      // a typed-in answer: not a span of the passage
      return extractive ? answer.replace(/\b30\b/, "thirty").replace(/\b5\b/, "five").replace(/^(\w)/, (ch) => ch.toUpperCase()) + (r < 0.95 ? "" : ".") : answer;
    };
    const k = i % 16 === 5 ? 0 : responderCount(rng, 0.03, [10, 6, 3, 0]);
    const { who, statuses } = responders(rng, users, k);
    let first = true;
    const value = () => {
      const v = first ? (rng.chance(0.85) ? answer : variant()) : variant();
      first = false;
      return v;
    };
    const responses: ExportResponse[] = assemble(who, statuses, statuses.filter((s) => s === "submitted").map(() => ({ answer: value() })), () => ({ answer: variant() }));
    let suggestions: Record<string, ExportSuggestion> | undefined;
    if (rng.chance(0.4) && extractive) suggestions = { answer: { value: rng.chance(0.75) ? answer : sentence, type: "model", score: rng.float(0.3, 0.97, 2), agent: "deberta-v3-base-squad2" } };
    return {
      fields: { question: it.question, context: it.context },
      responses,
      suggestions,
      external_id: it.id,
      metadata: { section: it.section, "context-words": words(it.context) },
    };
  });
  return {
    name: "faq-qa",
    family: "extractive question answering",
    notes: [
      "Customer questions over FAQ passages of an online home store. Most answers are exact spans of the passage; yes/no questions and a few typed-in answers are not.",
      "Several passages start with an emoji (some outside the BMP, e.g. 📦), so character offsets differ between code points and UTF-16 units.",
    ],
    config,
    records,
  };
}

// ---------------------------------------------------------------------------------------------
// output
// ---------------------------------------------------------------------------------------------

function describeQuestion(q: QuestionConfig): string {
  switch (q.type) {
    case "label_selection":
    case "multi_label_selection":
      return `${q.name} (${q.type}: ${optionValues(q.labels).join(", ")})`;
    case "rating":
      return `${q.name} (rating ${q.values[0]}-${q.values[q.values.length - 1]})`;
    case "ranking":
      return `${q.name} (ranking: ${optionValues(q.values).join(", ")})`;
    case "text":
      return `${q.name} (text)`;
  }
}

function readme(s: Sample): string {
  const fields = s.config.fields.map((f) => (f.required ? f.name : `${f.name} (optional)`)).join(", ");
  const questions = s.config.questions.map(describeQuestion).join("; ");
  return [
    `# ${s.name}`,
    `${cap(s.family)} sample, ${s.records.length} records in data/train.jsonl (Argilla 1.x FeedbackDataset export, 1.14+ Hugging Face layout). Fields: ${fields}. Questions: ${questions}.`,
    ...s.notes,
  ].join("\n") + "\n";
}

function indexReadme(samples: Sample[]): string {
  const rows = samples.map((s) => `| [${s.name}](${s.name}/) | ${s.records.length} | ${s.family} | ${s.config.questions.map(describeQuestion).join("; ")} |`);
  return [
    "# Sample datasets",
    "",
    "Small Argilla 1.x FeedbackDataset exports in the Hugging Face layout (`argilla.yaml` + `data/train.jsonl`, 1.14+ columns), one per task family.",
    "They are generated by `npx tsx scripts/make-samples.ts` (deterministic: re-running rewrites identical files); do not edit them by hand.",
    "Every dataset has several annotators with stable ids, disagreements and exact ties, draft and discarded responses, records without responses, model suggestions with agent and score on some records, and metadata properties.",
    "",
    "| Dataset | Records | Task family | Questions |",
    "| --- | ---: | --- | --- |",
    ...rows,
    "",
  ].join("\n");
}

export const SAMPLE_BUILDERS = [sentimentReviews, supportTopics, answerQuality, responsePreference, instructionsCurated, supportChat, sentencePairs, faqQa];

async function main() {
  const args = process.argv.slice(2);
  const outIdx = args.indexOf("--out");
  const outRoot = path.resolve(outIdx >= 0 ? args[outIdx + 1] : path.join(__dirname, "..", "samples"));
  const samples = SAMPLE_BUILDERS.map((build) => build());
  for (const s of samples) {
    if (s.records.length < 40 || s.records.length > 150) throw new Error(`${s.name}: ${s.records.length} records`);
    s.records.forEach((r, i) => validateRecord(s.config, r, `${s.name} record ${i}`));
    const dir = path.join(outRoot, s.name);
    const res = await writeExport(dir, s.config, s.records, { format: "jsonl" });
    fs.writeFileSync(path.join(dir, "README.md"), readme(s));
    console.log(`${s.name}: ${res.records} records, ${res.bytes} bytes`);
  }
  fs.writeFileSync(path.join(outRoot, "README.md"), indexReadme(samples));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
