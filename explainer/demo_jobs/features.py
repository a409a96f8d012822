"""Model features: cleans raw customer attributes with a loop and a Python UDF."""

from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import StringType

spark = SparkSession.builder.appName("features").getOrCreate()

raw = spark.read.json("hdfs:///landing/customers/*.json")


@F.udf(StringType())
def normalise_email(email):
    return email.strip().lower() if email else None


numeric = ["age", "income", "tenure_months", "orders_last_year"]
features = raw.withColumn("email", normalise_email(F.col("email")))
for column in numeric:
    features = features.withColumn(column, F.col(column).cast("double"))

features = features.filter(F.col("country") == None).repartition(1)
features.cache()
features.write.mode("overwrite").parquet("hdfs:///features/customers")
print(features.toPandas().describe())
