/*
 * Minimal typings for the parts of NLP.js v4 used by the knowledge layer.
 * The packages ship plain JavaScript without declarations.
 */

declare module '@nlpjs/core' {
  /** NLP.js dependency container. */
  export interface NlpContainer {
    use(plugin: unknown): unknown;
    register(name: string, value: unknown, isSingleton?: boolean): void;
  }
  export function containerBootstrap(): NlpContainer;
}

declare module '@nlpjs/lang-en' {
  export const LangEn: unknown;
  export class StemmerEn {
    stemWord(word: string): string;
  }
  export class StopwordsEn {
    isStopword(word: string): boolean;
  }
}

declare module '@nlpjs/nlp' {
  import type { NlpContainer } from '@nlpjs/core';

  export interface NlpClassification {
    intent: string;
    score: number;
  }

  export interface NlpResult {
    intent: string;
    score: number;
    classifications: NlpClassification[];
  }

  export interface NlpSettings {
    languages?: string[];
    autoSave?: boolean;
    autoLoad?: boolean;
    threshold?: number;
    calculateSentiment?: boolean;
    forceNER?: boolean;
    nlu?: Record<string, unknown>;
  }

  export class Nlp {
    constructor(settings?: NlpSettings, container?: NlpContainer);
    addDocument(locale: string, utterance: string, intent: string): void;
    train(): Promise<unknown>;
    process(locale: string, utterance: string): Promise<NlpResult>;
    /** The trained model as JSON (`minified` drops what only training needs). */
    export(minified?: boolean): string;
    /** Replaces the model with one from {@link Nlp.export} (as text or parsed). */
    import(data: unknown): void;
  }
}
