namespace Optimus.Cli.Input;

/// <summary>
/// The malformed lines of a load. Each is reported with its file and line number (the first ones in full); once more
/// than <c>--max-errors</c> have been seen, the load gives up.
/// </summary>
internal sealed class InputErrors(int maxErrors, TextWriter report)
{
    private const int Shown = 20;

    public int Count { get; private set; }

    public void Add(string file, long line, string problem)
    {
        Count++;
        if (Count <= Shown)
        {
            report.WriteLine($"{file}:{line}: {problem}");
        }
        else if (Count == Shown + 1)
        {
            report.WriteLine("(further malformed lines are counted, not shown)");
        }

        if (Count > maxErrors)
        {
            throw new InputRejectedException(
                $"{Count} malformed line(s), more than --max-errors {maxErrors} allows; the last: {file}:{line}: {problem}");
        }
    }
}
