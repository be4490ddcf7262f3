namespace Optimus.Cli.Input;

/// <summary>How a TSV value, or a CSV value column, becomes the entry's JSON value.</summary>
internal enum ValueMode
{
    /// <summary>Valid JSON is taken as it is; anything else becomes a JSON string.</summary>
    Auto,

    /// <summary>The value must be JSON; anything else is a malformed line.</summary>
    Json,

    /// <summary>The value is always a JSON string, even if it reads as JSON.</summary>
    String,
}
