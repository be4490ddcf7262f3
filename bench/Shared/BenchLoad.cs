using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;

namespace Optimus.Bench;

/// <summary>What the service benchmarks load and how they read it back: the same keys, values and GET load everywhere.</summary>
internal static class BenchLoad
{
    /// <summary>The i-th key: 16 bytes, <c>user:%011d</c>.</summary>
    public static string Key(int i) => string.Create(CultureInfo.InvariantCulture, $"user:{i:D11}");

    /// <summary>A load request body of <paramref name="count"/> entries from key <paramref name="first"/>: 100-byte values.</summary>
    public static byte[] Batch(int first, int count)
    {
        var body = new StringBuilder(count * 140).Append('[');
        for (var i = 0; i < count; i++)
        {
            // 16-byte key, 100-byte value: a JSON string of 98 characters between its quotes.
            body.Append(i == 0 ? "" : ",").Append("{\"key\":\"").Append(Key(first + i)).Append("\",\"value\":\"")
                .Append((char)('a' + ((first + i) % 26)), 98).Append("\"}");
        }

        return Encoding.UTF8.GetBytes(body.Append(']').ToString());
    }

    /// <summary>Loads <paramref name="count"/> entries into a new version of table <c>t</c>, <paramref name="parallel"/>
    /// batches of <paramref name="batchSize"/> in flight, and saves it; returns the version and the load and save times.
    /// The version declares <paramref name="expectedEntries"/> (default: the count), which sets its shard count.</summary>
    public static async Task<(string Version, TimeSpan Loaded, TimeSpan Saved)> LoadVersionAsync(
        HttpClient http, string dataset, int count, int batchSize, int parallel, long? expectedEntries = null)
    {
        using var created = await http.PostAsJsonAsync("/v1/versions", new { dataset, expectedEntries = expectedEntries ?? count });
        var version = (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetString()!;
        var clock = Stopwatch.StartNew();
        var batches = (count + batchSize - 1) / batchSize;
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, parallel).Select(async _ =>
        {
            int batch;
            while ((batch = Interlocked.Increment(ref next)) < batches)
            {
                var body = Batch(batch * batchSize, Math.Min(batchSize, count - (batch * batchSize)));
                using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/datasets/{dataset}/tables/t/entries?version={version}")
                {
                    Content = new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } },
                };
                request.Headers.Add("Idempotency-Key", $"b{batch}");
                using var response = await http.SendAsync(request);
                response.EnsureSuccessStatusCode();
            }
        }));
        var loaded = clock.Elapsed;
        using var save = await http.PostAsync(new Uri($"/v1/versions/{version}/save?wait=300", UriKind.Relative), null);
        var saved = await save.Content.ReadAsStringAsync();
        if (!save.IsSuccessStatusCode || !saved.Contains("\"status\":\"SAVED\"", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Saving {version} answered {(int)save.StatusCode}: {saved}");
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{version}: {count:N0} entries loaded in {loaded.TotalSeconds:N1} s, saved in {(clock.Elapsed - loaded).TotalSeconds:N1} s"));
        return (version, loaded, clock.Elapsed - loaded);
    }

    /// <summary>Reads every key once (multi-key lookups of 500), so that every segment is open before measuring.</summary>
    public static async Task TouchAllAsync(HttpClient http, string dataset, int count)
    {
        const int PerRead = 500;
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            int chunk;
            while ((chunk = Interlocked.Increment(ref next)) * PerRead < count)
            {
                var keys = Enumerable.Range(chunk * PerRead, Math.Min(PerRead, count - (chunk * PerRead))).Select(Key);
                using var response = await http.PostAsJsonAsync($"/v1/datasets/{dataset}/tables/t/lookup", new { keys });
                response.EnsureSuccessStatusCode();
            }
        }));
    }

    /// <summary>
    /// Single-key GETs of random keys of table <c>t</c> from <paramref name="clients"/> concurrent clients for
    /// <paramref name="duration"/> after a 2-second warm-up; client i goes through <c>https[i % https.Length]</c>.
    /// Returns requests/s, p50 and p99 in ms, and this process's CPU share of one core.
    /// </summary>
    public static async Task<(double Rps, double P50, double P99, double Cpu)> GetLoadAsync(
        HttpClient[] https, string dataset, int count, int clients, TimeSpan duration)
    {
        var (rps, _, p50, p99, cpu) = await CallerLoad.RunAsync(clients, duration, async (client, random) =>
        {
            using var response = await https[client % https.Length].GetAsync(
                new Uri($"/v1/datasets/{dataset}/tables/t/entries/{Key(random.Next(count))}", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
            await response.Content.CopyToAsync(Stream.Null);
            response.EnsureSuccessStatusCode();
            return 1;
        });
        return (rps, p50, p99, cpu);
    }

    /// <summary>The middle value; of an even count, the mean of the two middle ones.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    public static int Argument(string[] args, string name, int fallback) =>
        ArgumentText(args, name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    public static string? ArgumentText(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
