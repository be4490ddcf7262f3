using Optimus.Runtime;

namespace Optimus.Silo.Api;

/// <summary>The REST API's limits (API.md). Bound from the configuration section <c>Optimus:Api</c>.</summary>
public sealed class ApiLimits : IValidatedOptions
{
    /// <summary>Entries in one load request. Default: 10,000.</summary>
    public int MaxEntriesPerRequest { get; set; } = 10_000;

    /// <summary>Bytes in one load request's body. Default: 16 MiB.</summary>
    public long MaxRequestBytes { get; set; } = 16L << 20;

    /// <summary>Bytes of one value's JSON text. Default: 1 MiB.</summary>
    public int MaxValueBytes { get; set; } = 1 << 20;

    /// <summary>Keys in one multi-key read. Default: 1,000.</summary>
    public int MaxKeysPerRead { get; set; } = 1_000;

    /// <summary>The longest a save request may wait for its verdict (<c>?wait=</c>). Default: 300 seconds.</summary>
    public int MaxSaveWaitSeconds { get; set; } = 300;

    IEnumerable<string> IValidatedOptions.Validate()
    {
        if (MaxEntriesPerRequest < 1)
        {
            yield return "ApiLimits.MaxEntriesPerRequest must be at least 1.";
        }

        if (MaxRequestBytes is < 1024 or > 1L << 30)
        {
            yield return "ApiLimits.MaxRequestBytes must be between 1 KiB and 1 GiB: a body is read whole into one array.";
        }

        if (MaxValueBytes < 16 || MaxValueBytes > MaxRequestBytes)
        {
            yield return "ApiLimits.MaxValueBytes must be at least 16 bytes and at most MaxRequestBytes.";
        }

        if (MaxKeysPerRead < 1)
        {
            yield return "ApiLimits.MaxKeysPerRead must be at least 1.";
        }

        if (MaxSaveWaitSeconds < 0)
        {
            yield return "ApiLimits.MaxSaveWaitSeconds must not be negative.";
        }
    }
}
