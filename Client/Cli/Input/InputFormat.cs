namespace Optimus.Cli.Input;

/// <summary>The formats <c>optimus load</c> reads, each optionally gzip-compressed.</summary>
internal enum InputFormat
{
    /// <summary>Chosen by the file's extension (<c>.tsv</c>, <c>.csv</c>, <c>.jsonl</c>; then <c>.gz</c> or not).</summary>
    Auto,

    /// <summary><c>key&lt;TAB&gt;value</c>, one entry per line.</summary>
    Tsv,

    /// <summary>A header, then rows: a key column and a value column, or the other columns as a JSON object.</summary>
    Csv,

    /// <summary>JSON Lines: <c>{"key": "...", "value": any JSON}</c> per line.</summary>
    Jsonl,
}
