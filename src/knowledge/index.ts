/** The knowledge layer: FAQ content, its loader and the question classifier. */
export type { KnowledgeDialog, KnowledgeEntry, KnowledgeLink, KnowledgeSteps, SmallTalkIntent } from './types';
export { KNOWLEDGE_DIALOGS } from './types';
export {
  defaultKnowledgeDir,
  defaultSmallTalkFile,
  KnowledgeBaseError,
  loadKnowledgeBase,
  loadSmallTalk,
  lookupEntry,
} from './knowledgeBase';
export {
  DEFAULT_MIN_RELEVANCE,
  DEFAULT_SUGGESTION_IDS,
  DEFAULT_THRESHOLD,
  KnowledgeNlu,
  loadOutOfScope,
  type KnowledgeClassification,
  type KnowledgeNluOptions,
} from './knowledgeNlu';
