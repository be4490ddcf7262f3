namespace Optimus.Grains.Datasets;

/// <summary>The registry's durable state: dataset names in ordinal order.</summary>
internal sealed class DatasetRegistryState
{
    public List<string> Names { get; set; } = [];
}
