using System.Globalization;
using Optimus.Grains;

namespace Optimus.Silo.Api;

/// <summary>Query parameters with the API's rules: a bad one is <c>invalid-request</c>, naming it.</summary>
internal static class Query
{
    public const int DefaultLimit = 100;

    public static int Limit(HttpRequest request) => Int(request, "limit", DefaultLimit, 1, Grains.Datasets.Paging.MaxLimit);

    public static string? Text(HttpRequest request, string name) =>
        request.Query.TryGetValue(name, out var values) && values.Count > 0 && !string.IsNullOrEmpty(values[0]) ? values[0] : null;

    public static int Int(HttpRequest request, string name, int fallback, int min, int max)
    {
        if (Text(request, name) is not { } text)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new ProblemException(ProblemCodes.InvalidRequest, $"Query parameter '{name}' must be a whole number from {min} to {max}; it is '{text}'.");
    }

    public static string Required(HttpRequest request, string name) =>
        Text(request, name) ?? throw new ProblemException(ProblemCodes.InvalidRequest, $"Query parameter '{name}' is required.");
}
