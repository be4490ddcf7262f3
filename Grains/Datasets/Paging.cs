namespace Optimus.Grains.Datasets;

/// <summary>The limits of one page of a listing.</summary>
internal static class Paging
{
    public const int MaxLimit = 1000;

    public static void CheckLimit(int limit)
    {
        if (limit is < 1 or > MaxLimit)
        {
            throw new ProblemException(ProblemCodes.InvalidRequest, $"limit must be 1 to {MaxLimit}; it is {limit}.");
        }
    }
}
