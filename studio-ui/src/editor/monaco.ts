// Monaco for job-type scripts: JavaScript with the authoring API's declarations
// (compiler/authoring-api.d.ts) loaded, so `author.`, `job.settings`, `frameChunker(` complete
// with their documentation, and the script is checked as TypeScript checks JavaScript. Only
// the job-type editor imports this module, so the rest of the app loads without Monaco.

import * as monaco from 'monaco-editor/editor';
import 'monaco-editor/features/register.all';
// Contributions monaco-editor 0.57's `features/register.all` leaves out (its editor.main has
// them): without the suggest controller there is no completion list at all.
import 'monaco-editor/editor/contrib/suggest/browser/suggestController';
import 'monaco-editor/editor/contrib/gotoSymbol/browser/goToCommands';
import 'monaco-editor/editor/contrib/gotoError/browser/markerSelectionStatus';
import 'monaco-editor/editor/contrib/semanticTokens/browser/documentSemanticTokens';
import 'monaco-editor/editor/contrib/caretOperations/browser/caretOperations';
import 'monaco-editor/editor/contrib/dropOrPasteInto/browser/copyPasteContribution';
import 'monaco-editor/languages/definitions/javascript/register';
import { javascriptDefaults, ScriptTarget } from 'monaco-editor/languages/features/typescript/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import TypeScriptWorker from 'monaco-editor/language/typescript/ts.worker?worker';
import authoringApi from '../../../compiler/authoring-api.d.ts?raw';
import type { EditorMarker } from '../logic/compile-markers.ts';

declare global {
  interface Window {
    MonacoEnvironment?: { getWorker(workerId: string, label: string): Worker };
  }
}

window.MonacoEnvironment = {
  getWorker: (_id, label) => (label === 'typescript' || label === 'javascript' ? new TypeScriptWorker() : new EditorWorker()),
};

javascriptDefaults.setCompilerOptions({
  target: ScriptTarget.ES2020,
  // The sandbox has no DOM: without its declarations, `print` and `alert` are the authoring API's.
  lib: ['lib.es2020.d.ts'],
  allowJs: true,
  checkJs: true,
  allowNonTsExtensions: true,
  strict: true,
  // Flamenco-style scripts leave parameters without JSDoc types, as the built-in types do.
  noImplicitAny: false,
  // Each script is a scope of its own (moduleDetection "force").
  moduleDetection: 3,
});
javascriptDefaults.setDiagnosticsOptions({ noSemanticValidation: false, noSyntaxValidation: false });
javascriptDefaults.addExtraLib(authoringApi, 'file:///tablao/authoring-api.d.ts');

const COMPILE_OWNER = 'tablao-compile';

export interface JobTypeEditorOptions {
  value: string;
  fileName: string;
  readOnly: boolean;
  dark: boolean;
  onChange(value: string): void;
  onRun(): void;
  onSave(): void;
}

export interface JobTypeEditor {
  getValue(): string;
  setValue(value: string): void;
  setReadOnly(readOnly: boolean): void;
  setDark(dark: boolean): void;
  /** Shows a compile error at its line (or clears it with undefined). */
  showCompileError(marker: EditorMarker | undefined): void;
  revealLine(line: number): void;
  focus(): void;
  dispose(): void;
}

let modelCount = 0;

export function createJobTypeEditor(container: HTMLElement, options: JobTypeEditorOptions): JobTypeEditor {
  const uri = monaco.Uri.parse(`file:///job-types/${++modelCount}/${options.fileName}`);
  const model = monaco.editor.createModel(options.value, 'javascript', uri);
  const editor = monaco.editor.create(container, {
    model,
    readOnly: options.readOnly,
    automaticLayout: true,
    minimap: { enabled: false },
    glyphMargin: true,
    fontSize: 14,
    scrollBeyondLastLine: false,
    tabSize: 2,
    theme: options.dark ? 'vs-dark' : 'vs',
    fixedOverflowWidgets: true,
    ariaLabel: 'Job-type script',
  });
  const decorations = editor.createDecorationsCollection();
  editor.onDidChangeModelContent(() => options.onChange(model.getValue()));
  editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () => options.onRun());
  editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS, () => options.onSave());

  return {
    getValue: () => model.getValue(),
    setValue(value) {
      if (value !== model.getValue()) model.setValue(value);
    },
    setReadOnly: (readOnly) => editor.updateOptions({ readOnly }),
    setDark: (dark) => monaco.editor.setTheme(dark ? 'vs-dark' : 'vs'),
    showCompileError(marker) {
      if (!marker) {
        monaco.editor.setModelMarkers(model, COMPILE_OWNER, []);
        decorations.clear();
        return;
      }
      const line = Math.min(marker.line, model.getLineCount());
      const endColumn = model.getLineMaxColumn(line);
      const startColumn = Math.min(marker.column, endColumn);
      monaco.editor.setModelMarkers(model, COMPILE_OWNER, [
        { severity: monaco.MarkerSeverity.Error, message: marker.message, startLineNumber: line, startColumn, endLineNumber: line, endColumn: Math.max(endColumn, startColumn + 1), source: 'dry-run' },
      ]);
      decorations.set([
        {
          range: new monaco.Range(line, 1, line, 1),
          options: { isWholeLine: true, className: 'compile-error-line', glyphMarginClassName: 'compile-error-glyph', glyphMarginHoverMessage: { value: marker.message } },
        },
      ]);
    },
    revealLine(line) {
      editor.revealLineInCenter(line);
      editor.setPosition({ lineNumber: line, column: 1 });
      editor.focus();
    },
    focus: () => editor.focus(),
    dispose() {
      editor.dispose();
      model.dispose();
    },
  };
}
