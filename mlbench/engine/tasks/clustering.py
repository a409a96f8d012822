"""kmeans: k-means on numeric columns (or on TF-IDF vectors for text); inertia and the
squared-Euclidean silhouette."""

from __future__ import annotations

import numpy as np
from pyspark.ml.clustering import KMeans
from pyspark.ml.evaluation import ClusteringEvaluator
from pyspark.ml.feature import IDF, HashingTF, StandardScaler, VectorAssembler
from pyspark.sql import functions as F

from mlbench.engine.errors import MLBenchInputError
from mlbench.engine.loaders import TEXT_KIND, LoadedData
from mlbench.engine.tasks.columns import as_double_rows, choose_features
from mlbench.engine.tasks.options import TaskOptions
from mlbench.engine.tasks.outcome import TaskOutcome

PICTURE_POINTS = 1000
FEATURES = "__features"


def kmeans(data: LoadedData, options: TaskOptions) -> TaskOutcome:
    k = options.integer("k", 3, minimum=2)
    if data.kind == TEXT_KIND:
        vectors, described = _tfidf_vectors(data, options)
    else:
        vectors, described = _numeric_vectors(data, options)
    vectors = vectors.cache()
    rows = vectors.count()
    if k > rows:
        raise MLBenchInputError(
            f"k={k} is larger than the number of usable rows ({rows}); choose a smaller k.",
            field="k",
        )
    model = KMeans(
        featuresCol=FEATURES,
        k=k,
        seed=options.integer("seed", 42),
        maxIter=options.integer("max_iter", 50, minimum=1),
        tol=1e-6,
    ).fit(vectors)
    clustered = model.transform(vectors)
    silhouette = ClusteringEvaluator(
        featuresCol=FEATURES, predictionCol="prediction", distanceMeasure="squaredEuclidean"
    ).evaluate(clustered)
    summary = model.summary
    metrics = {
        "k": k,
        "inertia": summary.trainingCost,
        "silhouette": silhouette,
        "cluster_sizes": list(summary.clusterSizes),
        "iterations": summary.numIter,
        "features": described,
        "rows": rows,
    }
    picture = _projection(clustered, model.clusterCenters())
    vectors.unpersist()
    return TaskOutcome(metrics=metrics, picture=picture)


def _numeric_vectors(data: LoadedData, options: TaskOptions):
    features = choose_features(data.df, options.names("features"), exclude=())
    rows = as_double_rows(data.df, features)
    vectors = VectorAssembler(inputCols=features, outputCol=FEATURES).transform(rows)
    if options.flag("standardize", False):
        scaler = StandardScaler(
            inputCol=FEATURES, outputCol="__scaled", withMean=True, withStd=True
        ).fit(vectors)
        vectors = scaler.transform(vectors).drop(FEATURES).withColumnRenamed("__scaled", FEATURES)
    return vectors.select(FEATURES), features


def _tfidf_vectors(data: LoadedData, options: TaskOptions):
    dimensions = options.integer("tfidf_features", 1 << 12, minimum=16)
    lines = data.df.where(F.size("tokens") > 0).select("tokens")
    counted = HashingTF(inputCol="tokens", outputCol="__tf", numFeatures=dimensions).transform(
        lines
    )
    weighted = IDF(inputCol="__tf", outputCol=FEATURES).fit(counted).transform(counted)
    return weighted.select(FEATURES), [f"tf-idf of tokens ({dimensions} hashed dimensions)"]


def _projection(clustered, centres: list) -> dict:
    """The first two principal components of a sample of points, with the centres."""
    sample = clustered.select(FEATURES, "prediction").limit(PICTURE_POINTS).collect()
    points = np.array([row[FEATURES].toArray() for row in sample])
    centre_matrix = np.array([np.asarray(c) for c in centres])
    mean = points.mean(axis=0)
    if points.shape[1] > 2:
        _, _, components = np.linalg.svd(points - mean, full_matrices=False)
        basis = components[:2].T
    else:
        basis = np.eye(points.shape[1])[:, :2]
        mean = np.zeros(points.shape[1])
    projected = (points - mean) @ basis
    projected_centres = (centre_matrix - mean) @ basis
    second = projected[:, 1] if projected.shape[1] > 1 else np.zeros(len(projected))
    second_centres = (
        projected_centres[:, 1]
        if projected_centres.shape[1] > 1
        else np.zeros(len(projected_centres))
    )
    return {
        "x": projected[:, 0].round(6).tolist(),
        "y": second.round(6).tolist(),
        "cluster": [int(row["prediction"]) for row in sample],
        "centres_x": projected_centres[:, 0].round(6).tolist(),
        "centres_y": second_centres.round(6).tolist(),
        "projected": points.shape[1] > 2,
    }
