using System.IO.Compression;

namespace Optimus.Cli.Input;

/// <summary>
/// One file to load into one table: its format (from its extension unless given), gzip found by its magic bytes, and
/// how far into it the reader is, for the progress bar.
/// </summary>
#pragma warning disable CA1001 // the reader Open returns owns the stream; the field is kept only to read how far it got
internal sealed class InputFile(string table, string path, InputFormat format)
#pragma warning restore CA1001
{
    private FileStream? _stream;

    public string Table { get; } = table;

    public string Path { get; } = path;

    public string Name { get; } = System.IO.Path.GetFileName(path);

    public InputFormat Format { get; } = format == InputFormat.Auto ? FormatOf(path) : format;

    public long Length { get; } = new FileInfo(path).Length;

    /// <summary>Bytes of the file read so far (compressed bytes, for a gzip file).</summary>
    public long Position => _stream is { } stream ? (stream.CanSeek ? stream.Position : Length) : 0;

    /// <summary>Parses <c>TABLE=FILE</c>.</summary>
    public static InputFile Parse(string spec, InputFormat format)
    {
        var equals = spec.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0 || equals == spec.Length - 1)
        {
            throw new InputRejectedException($"--table takes TABLE=FILE; '{spec}' is not of that form.");
        }

        var path = spec[(equals + 1)..];
        if (!File.Exists(path))
        {
            throw new InputRejectedException($"{path}: no such file.");
        }

        return new InputFile(spec[..equals], path, format);
    }

    /// <summary>Opens the file's bytes, decompressing them when it starts with gzip's magic bytes.</summary>
    public Stream Open()
    {
        _stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        Span<byte> magic = stackalloc byte[2];
        var gzip = _stream.ReadAtLeast(magic, 2, throwOnEndOfStream: false) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        _stream.Position = 0;
        return gzip ? new GZipStream(_stream, CompressionMode.Decompress) : _stream;
    }

    private static InputFormat FormatOf(string path)
    {
        var name = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? path[..^3] : path;
        return System.IO.Path.GetExtension(name).ToLowerInvariant() switch
        {
            ".tsv" or ".tab" or ".txt" => InputFormat.Tsv,
            ".csv" => InputFormat.Csv,
            ".jsonl" or ".ndjson" or ".json" => InputFormat.Jsonl,
            var other => throw new InputRejectedException($"{path}: cannot tell the format from '{other}'; name it with --format tsv|csv|jsonl."),
        };
    }
}
