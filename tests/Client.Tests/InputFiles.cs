using System.IO.Compression;
using System.Text;

namespace Optimus.Client.Tests;

/// <summary>A temporary directory of input files for loads; deleted at the end.</summary>
public sealed class InputFiles : IDisposable
{
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("optimus-input-").FullName;

    public string Write(string name, IEnumerable<string> lines)
    {
        var path = Path.Combine(Directory, name);
        using var file = new FileStream(path, FileMode.Create);
        using Stream stream = name.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionLevel.Fastest) : file;
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16);
        foreach (var line in lines)
        {
            writer.Write(line);
            writer.Write('\n');
        }

        return path;
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
