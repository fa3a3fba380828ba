#include <stdio.h>
#include <readline/readline.h>
#include <readline/history.h>

// Swift 6 refuses to touch C global variables (shared mutable state); these accessors are the
// only way the REPL reads and writes readline's globals, always from its one REPL thread.

/// Application name (for ~/.inputrc conditionals), signal handling left to the REPL, word
/// breaks and quotes for completion, the completion function and the pre-input hook.
static inline void sfs_rl_configure(const char *name, const char *word_breaks, const char *quotes,
                                    rl_completion_func_t *complete, rl_hook_func_t *pre_input) {
    rl_readline_name = name;
    rl_catch_signals = 0;
    rl_completer_word_break_characters = word_breaks;
    rl_completer_quote_characters = quotes;
    rl_attempted_completion_function = complete;
    rl_pre_input_hook = pre_input;
}

/// One history entry per cell, multi-line cells kept whole in the file (between timestamp lines).
static inline void sfs_history_configure(void) {
    history_write_timestamps = 1;
    history_multiline_entries = 1;
    history_comment_char = '#';
}

/// Inside the completion function: never fall back to readline's file-name completion, add no
/// space after a completed word and no closing quote (the candidates carry their own).
static inline void sfs_rl_completion_flags(void) {
    rl_attempted_completion_over = 1;
    rl_completion_suppress_append = 1;
    rl_completion_suppress_quote = 1;
}

static inline char *sfs_rl_line_buffer(void) { return rl_line_buffer; }
static inline int sfs_rl_point(void) { return rl_point; }
static inline void sfs_rl_set_point(int point) { rl_point = point; }
