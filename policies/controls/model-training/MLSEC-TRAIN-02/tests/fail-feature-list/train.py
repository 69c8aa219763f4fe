from sklearn.compose import ColumnTransformer
from sklearn.preprocessing import OneHotEncoder, StandardScaler

# ruleid: protected-attribute-used
NUMERIC_FEATURES = ["income", "age", "tenure_months"]
preprocess = ColumnTransformer(
    [
        ("num", StandardScaler(), NUMERIC_FEATURES),
        # ruleid: protected-attribute-used
        ("cat", OneHotEncoder(handle_unknown="ignore"), ["Sex", "embarked"]),
    ]
)
