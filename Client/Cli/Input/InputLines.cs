using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text;

namespace Optimus.Cli.Input;

/// <summary>
/// The lines of an input file with their numbers (from 1), split on '\n' (a '\r' before it is dropped). Each line is
/// decoded as UTF-8 on its own, so that a line that is not UTF-8 is named exactly, rather than read with replacement
/// characters that could make two keys one.
/// </summary>
internal static class InputLines
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static async IAsyncEnumerable<(long Number, string Text)> ReadAsync(InputFile file, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var stream = file.Open();
        var pipe = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 1 << 16));
        var number = 0L;
        while (true)
        {
            var result = await ReadAsync(pipe, file, number, cancellationToken);
            var buffer = result.Buffer;
            while (buffer.PositionOf((byte)'\n') is { } newline)
            {
                var line = Decode(buffer.Slice(0, newline), file, ++number);
                buffer = buffer.Slice(buffer.GetPosition(1, newline));
                yield return (number, line);
            }

            if (result.IsCompleted)
            {
                if (!buffer.IsEmpty)
                {
                    yield return (++number, Decode(buffer, file, number));
                }

                break;
            }

            pipe.AdvanceTo(buffer.Start, buffer.End);
        }

        await pipe.CompleteAsync();
    }

    private static async ValueTask<ReadResult> ReadAsync(PipeReader pipe, InputFile file, long number, CancellationToken cancellationToken)
    {
        try
        {
            return await pipe.ReadAsync(cancellationToken);
        }
        catch (InvalidDataException exception)
        {
            throw new InputRejectedException($"{file.Name}: the gzip data is damaged after line {number}: {exception.Message}");
        }
    }

    private static string Decode(ReadOnlySequence<byte> line, InputFile file, long number)
    {
        if (line.Length > 0 && line.Slice(line.Length - 1).FirstSpan[0] == (byte)'\r')
        {
            line = line.Slice(0, line.Length - 1);
        }

        if (number == 1 && line.Length >= 3 && line.Slice(0, 3).ToArray() is [0xEF, 0xBB, 0xBF])
        {
            line = line.Slice(3); // a byte-order mark
        }

        try
        {
            return StrictUtf8.GetString(line);
        }
        catch (DecoderFallbackException)
        {
            throw new InputRejectedException($"{file.Name}:{number}: not UTF-8 text.");
        }
    }
}
