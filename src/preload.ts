// Imported first by the entry point, before anything loads botbuilder-dialogs (see deferUnusedRecognizers).
import { deferUnusedRecognizers } from './deferredModules';

deferUnusedRecognizers();
