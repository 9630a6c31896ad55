/** Guided conversations an answer can hand over to, by dialog topic id. */
export const KNOWLEDGE_DIALOGS = [
  'lost_device',
  'change_method',
  'new_device',
  'suspicious_prompt',
  'exception_request',
  'verify_identity',
  'person',
] as const;

/** Topic id of a guided conversation that an entry can offer. */
export type KnowledgeDialog = (typeof KNOWLEDGE_DIALOGS)[number];

/** A link shown with an answer ("more info"). */
export interface KnowledgeLink {
  readonly title: string;
  readonly url: string;
}

/** Numbered instructions that belong to an entry and can be shown as a steps card. */
export interface KnowledgeSteps {
  readonly title: string;
  /** One instruction per step, in order, without the number. */
  readonly items: readonly string[];
}

/** One case of an entry that covers several (which methods need the internet...), said first when asked about. */
export interface KnowledgeCase {
  /** The method the case is about, as the recognizer's `method` entity names it. */
  readonly method?: 'app' | 'sms' | 'call';
  /** The device the case is about, as the recognizer's `device` entity names it. */
  readonly device?: 'iphone' | 'android';
  /** The case on its own, for chat. */
  readonly answer: string;
  /** The case on its own, for the phone line. */
  readonly speech: string;
}

/** One answerable topic of the knowledge base. */
export interface KnowledgeEntry {
  /** Stable id, also the NLU intent name and the `entryId` of card submissions. */
  readonly id: string;
  /** Short human title, used on buttons and card headings. */
  readonly topic: string;
  /** Training phrasings (at least 8). */
  readonly utterances: readonly string[];
  /** The answer for chat, in Markdown. */
  readonly answer: string;
  /** The answer for the phone line: short, no URLs, numbers spoken in digit groups. */
  readonly speech: string;
  readonly links?: readonly KnowledgeLink[];
  /** Ids of related entries offered as next questions. */
  readonly followUps?: readonly string[];
  /** Set when the topic needs a guided flow rather than a plain answer. */
  readonly dialog?: KnowledgeDialog;
  /** Numbered instructions repeated from the answer, for the steps card. */
  readonly steps?: KnowledgeSteps;
  /** Cases the answer covers; the one a question names is said first. */
  readonly cases?: readonly KnowledgeCase[];
}

/** A small-talk intent with its canned reply. */
export interface SmallTalkIntent {
  /** Intent name, e.g. `greeting`. */
  readonly intent: string;
  readonly utterances: readonly string[];
  /** Reply for chat. */
  readonly reply: string;
  /** Reply for the phone line. */
  readonly speech: string;
}
