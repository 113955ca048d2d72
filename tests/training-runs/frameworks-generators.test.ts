/**
 * The generative tasks through the studio, on the tiny Llama (tests/training-runs/tiny-models.ts): TRL SFT
 * on text and on chat `messages`, PEFT LoRA SFT, reward modeling, DPO, and online RL (PPO, GRPO) with the
 * reward model of the reward job and the SFT job's model as the policy, an RLHF chain in one file. Each runs
 * on a shipped sample through the queue, an in-process worker and the real Python worker, must learn
 * (eval loss falls, reward accuracy above chance and rising, DPO margins positive, RL completes its steps),
 * and its saved model is reloaded to predict.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { trainingPayloadSchema } from "../../server/jobs/kinds/training";
import { mean, openStudio, predict, SFT_TEXT, train, type Studio, type TrainedJob } from "./frameworks";

/** support-chat as README's chat example: the conversation so far, then the annotators' ideal reply. */
const SFT_CHAT = {
  task: "chat_completion",
  template: { messages: [{ role: "system", content: "You are a helpful support agent." }, { from_field: "conversation" }, { role: "assistant", content: "{ideal-reply}" }] },
};
/** response-preference: the prompt with the majority ranking's best and worst response (ties and split votes left out). */
const PREFERENCE_PAIRS = `function formatting_func(sample) {
  const votes = {};
  for (const answer of sample.preference) {
    if (answer.status !== "submitted") continue;
    const key = JSON.stringify(answer.value);
    votes[key] = (votes[key] ?? 0) + 1;
  }
  const ranked = Object.entries(votes).sort((a, b) => b[1] - a[1]);
  if (ranked.length === 0 || (ranked.length > 1 && ranked[0][1] === ranked[1][1])) return null;
  const { rank, value } = JSON.parse(ranked[0][0]);
  if (rank[0] === rank[1]) return null;
  const [best, worst] = rank[0] < rank[1] ? value : [value[1], value[0]];
  return [sample.prompt + "\\n" + sample[best], sample.prompt + "\\n" + sample[worst]];
}`;
const REWARD = { task: "reward_modeling", formatting_func: { language: "javascript", source: PREFERENCE_PAIRS } };
/** README's DPO example on response-preference. */
const DPO = {
  task: "direct_preference_optimization",
  template: { prompt: "{prompt}", chosen: { from_ranking: "preference", rank: "best" }, rejected: { from_ranking: "preference", rank: "worst" } },
  responses: "unified",
  strategies: { preference: "majority" },
};
const RL = { task: "proximal_policy_optimization", template: { query: "{instruction}" } };
const SPLIT = { testSize: 0.2, seed: 42 };
/** The payload field that names a reward model (job.json's reward_model), when the training job kind has it. */
const rewardModelField = "rewardModel" in trainingPayloadSchema.shape;

let studio: Studio;
let sft: TrainedJob | undefined;
let reward: TrainedJob | undefined;
beforeAll(async () => {
  studio = await openStudio();
}, 300_000);
afterAll(async () => studio?.close());

describe("supervised fine-tuning", () => {
  it("TRL SFT on text rows: eval loss falls, and the model generates", async () => {
    sft = await train(studio, {
      datasetId: await studio.sample("instructions-curated"),
      task: SFT_TEXT,
      framework: "trl",
      model: studio.tiny.llama,
      config: { learning_rate: 5e-3, max_steps: 20, per_device_train_batch_size: 4, max_length: 128, evaluate_before_training: true },
      options: SPLIT,
    });
    const losses = sft.series("loss", "eval");
    expect(losses.at(-1)).toBeLessThan(losses[0]!);
    expect(sft.result.metrics.loss).toBe(losses.at(-1));
    const answer = await predict(studio, sft, { prompt: "### Instruction: How do I", max_new_tokens: 8 });
    expect(answer.text).toEqual(expect.any(String));
  }, 300_000);

  it("TRL SFT on chat messages: eval loss falls, and the model answers a chat", async () => {
    const job = await train(studio, {
      datasetId: await studio.sample("support-chat"),
      task: SFT_CHAT,
      framework: "trl",
      model: studio.tiny.llama,
      config: { learning_rate: 5e-3, max_steps: 10, per_device_train_batch_size: 4, max_length: 128, evaluate_before_training: true },
      options: SPLIT,
    });
    expect(job.rows("train")[0].messages.at(-1).role).toBe("assistant");
    const losses = job.series("loss", "eval");
    expect(losses.at(-1)).toBeLessThan(losses[0]!);
    const answer = await predict(studio, job, { messages: [{ role: "user", content: "Where is my order?" }], max_new_tokens: 5 });
    expect(answer.text).toEqual(expect.any(String));
  }, 300_000);

  it("PEFT LoRA SFT: eval loss falls with only the adapter trained, and it generates", async () => {
    const job = await train(studio, {
      datasetId: await studio.sample("instructions-curated"),
      task: SFT_TEXT,
      framework: "peft",
      model: studio.tiny.llama,
      config: { learning_rate: 2e-2, max_steps: 15, per_device_train_batch_size: 4, max_length: 128, evaluate_before_training: true, r: 4, lora_alpha: 8, lora_dropout: 0 },
      options: SPLIT,
    });
    const losses = job.series("loss", "eval");
    expect(losses.at(-1)).toBeLessThan(losses[0]!);
    const answer = await predict(studio, job, { prompt: "### Instruction:", max_new_tokens: 4 });
    expect(answer.text).toEqual(expect.any(String));
  }, 300_000);
});

describe("preferences", () => {
  it("TRL reward modeling: held-out reward accuracy above 0.5, training accuracy rising", async () => {
    reward = await train(studio, {
      datasetId: await studio.sample("response-preference"),
      task: REWARD,
      framework: "trl",
      model: studio.tiny.llama,
      config: { learning_rate: 3e-3, max_steps: 30, per_device_train_batch_size: 8, max_length: 256, evaluate_before_training: true },
      options: SPLIT,
    });
    const accuracy = reward.series("accuracy", "train");
    expect(mean(accuracy.slice(-5))).toBeGreaterThan(mean(accuracy.slice(0, 5)));
    expect(reward.result.metrics.accuracy).toBeGreaterThan(0.5);
    const pair = reward.rows("test")[0];
    const chosen = await predict(studio, reward, { text: pair.chosen });
    const rejected = await predict(studio, reward, { text: pair.rejected });
    expect([chosen.score, rejected.score]).toEqual([expect.any(Number), expect.any(Number)]);
  }, 300_000);

  it("TRL DPO: reward margins end positive on train and test", async () => {
    const job = await train(studio, {
      datasetId: await studio.sample("response-preference"),
      task: DPO,
      framework: "trl",
      model: studio.tiny.llama,
      config: { learning_rate: 5e-3, max_steps: 12, per_device_train_batch_size: 4, max_length: 256, beta: 0.1 },
      options: SPLIT,
    });
    expect(job.series("rewards/margins", "train").at(-1)).toBeGreaterThan(0);
    expect(job.result.metrics["rewards/margins"]).toBeGreaterThan(0);
    const answer = await predict(studio, job, { prompt: "How do I", max_new_tokens: 4 });
    expect(answer.text).toEqual(expect.any(String));
  }, 300_000);
});

describe.skipIf(!rewardModelField)("online RL with the reward job's model", () => {
  it("PPO (trl 1.12 overlay): completes its updates on the SFT policy and writes a policy that generates", async () => {
    expect(sft && reward, "the SFT and reward jobs above ran").toBeTruthy();
    const job = await train(studio, {
      datasetId: await studio.sample("instructions-curated"),
      task: RL,
      framework: "trl",
      model: sft!.result.modelDir!,
      rewardModel: reward!.result.modelDir!,
      config: { per_device_train_batch_size: 4, total_episodes: 16, response_length: 8, learning_rate: 1e-4, num_ppo_epochs: 2 },
    } as Parameters<typeof train>[1]);
    expect(job.events[0]!.versions.trl).toBe("1.12.0");
    expect(job.result.step).toBe(4); // 16 episodes / batch 4
    expect(job.series("objective/kl", "train").length).toBeGreaterThan(0);
    const answer = await predict(studio, job, { prompt: "How", max_new_tokens: 4 });
    expect(answer.text).toEqual(expect.any(String));
  }, 300_000);

  it("GRPO: two updates scored by the reward model", async () => {
    const job = await train(studio, {
      datasetId: await studio.sample("instructions-curated"),
      task: RL,
      framework: "trl",
      model: sft!.result.modelDir!,
      rewardModel: reward!.result.modelDir!,
      config: { algorithm: "grpo", max_steps: 2, per_device_train_batch_size: 4, num_generations: 2, response_length: 8, learning_rate: 1e-4 },
    } as Parameters<typeof train>[1]);
    expect(job.result.step).toBe(2);
    expect(job.result.metrics.mean_reward).toEqual(expect.any(Number));
  }, 300_000);
});
