/**
 * A small Jinja interpreter for the subset of Jinja2 that Hugging Face chat templates use, with the
 * semantics of Python's {@code jinja2} under HF's settings ({@code ImmutableSandboxedEnvironment},
 * {@code trim_blocks}, {@code lstrip_blocks}, {@code loopcontrols}, HF's {@code tojson},
 * {@code raise_exception}, {@code strftime_now}).
 *
 * <p>Templates are parsed once into an immutable tree ({@link dev.quarry.model.template.JinjaTemplate})
 * and rendered against plain Java values: {@code String}, {@code Long}/{@code Integer},
 * {@code Double}, {@code Boolean}, {@code null} (Python {@code None}), {@code List} and {@code Map}.
 * Values behave as their Python counterparts do (truthiness, {@code str()}, equality, string methods
 * such as {@code startswith}/{@code split}/{@code lstrip}, slicing with {@code [::-1]}), because the
 * rendered prompt must be byte-identical to what {@code tokenizer.apply_chat_template} produces.
 */
package dev.quarry.model.template;
