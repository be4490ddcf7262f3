using System.Globalization;
using Optimus.Grains;
using Spectre.Console;

namespace Optimus.Cli.Output;

/// <summary>How results look: tables for people, or the API's own JSON with <c>--json</c>.</summary>
internal static class Render
{
    public static void Datasets(IAnsiConsole console, IReadOnlyList<DatasetInfo> datasets)
    {
        var table = new Table().AddColumns("Dataset", "Tables", "Active version", "Created");
        foreach (var dataset in datasets)
        {
            table.AddRow(Text(dataset.Name), Text(string.Join(", ", dataset.Tables)), Text(dataset.ActiveVersion ?? "-"), Text(When(dataset.CreatedAt)));
        }

        console.Write(table);
    }

    public static void Dataset(IAnsiConsole console, DatasetInfo dataset)
    {
        var grid = new Grid().AddColumn().AddColumn();
        grid.AddRow(Text("Dataset"), Text(dataset.Name));
        grid.AddRow(Text("Tables"), Text(string.Join(", ", dataset.Tables)));
        grid.AddRow(Text("Active version"), Text(dataset.ActiveVersion ?? "-"));
        grid.AddRow(Text("Keeps"), Text($"the active version and {dataset.Retention.KeepVersions} saved ones"));
        grid.AddRow(Text("Created"), Text(When(dataset.CreatedAt)));
        console.Write(grid);
        if (!dataset.Versions.IsDefaultOrEmpty)
        {
            var table = new Table().AddColumns("Recent version", "Status", "Label", "Created");
            foreach (var version in dataset.Versions)
            {
                table.AddRow(Text(version.Id), Text(VersionStatusNames.Of(version.Status)), Text(version.Label ?? ""), Text(When(version.CreatedAt)));
            }

            console.Write(table);
        }
    }

    public static void Versions(IAnsiConsole console, IReadOnlyList<VersionInfo> versions)
    {
        var table = new Table().AddColumns("Version", "Status", "Label", "Entries", "Created");
        foreach (var version in versions)
        {
            var entries = version.Tables?.Values.Sum(t => t.Entries);
            table.AddRow(Text(version.Id), Text(VersionStatusNames.Of(version.Status)), Text(version.Label ?? ""), Text(entries?.ToString("N0", CultureInfo.InvariantCulture) ?? "-"), Text(When(version.CreatedAt)));
        }

        console.Write(table);
    }

    public static void Version(IAnsiConsole console, VersionInfo version)
    {
        var grid = new Grid().AddColumn().AddColumn();
        grid.AddRow(Text("Version"), Text(version.Id));
        grid.AddRow(Text("Status"), Text(VersionStatusNames.Of(version.Status)));
        grid.AddRow(Text("Label"), Text(version.Label ?? "-"));
        grid.AddRow(Text("Shards"), Text(version.Shards.ToString(CultureInfo.InvariantCulture)));
        grid.AddRow(Text("Created"), Text(When(version.CreatedAt)));
        console.Write(grid);
        if (version.Tables is { Count: > 0 } tables)
        {
            var table = new Table().AddColumns("Table", "Entries", "Checksum");
            foreach (var (name, stats) in tables.OrderBy(t => t.Key, StringComparer.Ordinal))
            {
                table.AddRow(Text(name), Text(stats.Entries.ToString("N0", CultureInfo.InvariantCulture)), Text(stats.Checksum));
            }

            console.Write(table);
        }

        var history = new Table().AddColumns("When", "Status", "Reason");
        foreach (var step in version.History)
        {
            history.AddRow(Text(When(step.At)), Text(VersionStatusNames.Of(step.Status)), Text(step.Reason ?? ""));
        }

        console.Write(history);
    }

    public static string When(DateTimeOffset at) => at.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static Text Text(string text) => new(text);
}
