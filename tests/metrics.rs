//! `logreg::metrics` against scikit-learn 1.9.1 on the same arrays (the
//! inputs and values in tests/common/metrics_reference_values.rs, made by
//! tests/reference/make_metrics_reference.py), `train_test_split`, and the
//! fitted model's `predict_proba_of` and `predict_with_threshold`.

use crate::common::metrics_reference_values as reference;
use approx::assert_abs_diff_eq;
use logreg::metrics::{
    accuracy, brier_score, confusion_matrix, log_loss, precision_recall_f1, roc_auc,
    train_test_split,
};
use logreg::{Error, LogisticRegression};
use ndarray::{Array1, Array2, array};

fn binary() -> (Array1<i64>, Array2<f64>, Array2<f64>) {
    let y = Array1::from(reference::Y_BIN.to_vec());
    let p1 = Array1::from(reference::P1_BIN.to_vec());
    let proba = Array2::from_shape_fn(
        (p1.len(), 2),
        |(i, j)| if j == 0 { 1.0 - p1[i] } else { p1[i] },
    );
    let logit = Array1::from(reference::LOGIT_BIN.to_vec()).insert_axis(ndarray::Axis(1));
    (y, proba, logit)
}

fn three() -> (Array1<i64>, Array2<f64>) {
    let y = Array1::from(reference::Y_THREE.to_vec());
    let proba =
        Array2::from_shape_vec((y.len(), 3), reference::PROBA_THREE.to_vec()).expect("45 × 3");
    (y, proba)
}

fn four() -> (Array1<i64>, Array1<i64>) {
    (
        Array1::from(reference::Y_TRUE4.to_vec()),
        Array1::from(reference::Y_PRED4.to_vec()),
    )
}

#[test]
fn label_metrics_equal_scikit_learn() {
    let (truth, predicted) = four();
    assert_abs_diff_eq!(
        accuracy(&truth, &predicted).unwrap(),
        reference::ACCURACY4,
        epsilon = 1e-15
    );
    let m = confusion_matrix(&truth, &predicted, &[0, 1, 2, 3]).unwrap();
    assert_eq!(
        m.iter().copied().collect::<Vec<_>>(),
        reference::CONFUSION4.to_vec()
    );
    let scores = precision_recall_f1(&truth, &predicted, &[0, 1, 2, 3]).unwrap();
    assert_abs_diff_eq!(
        scores.precision,
        Array1::from(reference::PRECISION4.to_vec()),
        epsilon = 1e-15
    );
    assert_abs_diff_eq!(
        scores.recall,
        Array1::from(reference::RECALL4.to_vec()),
        epsilon = 1e-15
    );
    assert_abs_diff_eq!(
        scores.f1,
        Array1::from(reference::F1_4.to_vec()),
        epsilon = 1e-15
    );
    assert_eq!(scores.support.to_vec(), reference::SUPPORT4.to_vec());
    for (averages, expected) in [
        (scores.macro_average(), reference::MACRO4),
        (scores.weighted_average(), reference::WEIGHTED4),
        (scores.micro_average(), reference::MICRO4),
    ] {
        let got = [averages.precision, averages.recall, averages.f1];
        assert_abs_diff_eq!(&got[..], &expected[..], epsilon = 1e-15);
    }
}

#[test]
fn probability_metrics_equal_scikit_learn() {
    let (y, proba, logit) = binary();
    let p1 = proba.column(1).to_owned().insert_axis(ndarray::Axis(1));
    let tol = 1e-14;
    assert_abs_diff_eq!(
        log_loss(&y, &proba, &[0, 1]).unwrap(),
        reference::LOG_LOSS_BIN,
        epsilon = tol
    );
    assert_abs_diff_eq!(
        log_loss(&y, &p1, &[0, 1]).unwrap(),
        reference::LOG_LOSS_BIN_COLUMN,
        epsilon = tol
    );
    assert_abs_diff_eq!(
        brier_score(&y, &p1, &[0, 1]).unwrap(),
        reference::BRIER_BIN,
        epsilon = tol
    );
    assert_abs_diff_eq!(
        brier_score(&y, &proba, &[0, 1]).unwrap(),
        reference::BRIER_BIN_TWO_COLUMNS,
        epsilon = tol
    );
    assert_abs_diff_eq!(
        roc_auc(&y, &proba, &[0, 1]).unwrap(),
        reference::ROC_AUC_BIN_PROBA,
        epsilon = tol
    );
    assert_abs_diff_eq!(
        roc_auc(&y, &p1, &[0, 1]).unwrap(),
        reference::ROC_AUC_BIN_PROBA,
        epsilon = tol
    );
    assert_abs_diff_eq!(
        roc_auc(&y, &logit, &[0, 1]).unwrap(),
        reference::ROC_AUC_BIN_LOGIT,
        epsilon = tol
    );
    let (y3, proba3) = three();
    assert_abs_diff_eq!(
        log_loss(&y3, &proba3, &[0, 1, 2]).unwrap(),
        reference::LOG_LOSS_THREE,
        epsilon = tol
    );
    assert_abs_diff_eq!(
        brier_score(&y3, &proba3, &[0, 1, 2]).unwrap(),
        reference::BRIER_THREE,
        epsilon = tol
    );
    assert_abs_diff_eq!(
        roc_auc(&y3, &proba3, &[0, 1, 2]).unwrap(),
        reference::ROC_AUC_THREE_OVR,
        epsilon = tol
    );
}

#[test]
fn metrics_follow_the_labels_not_their_type_and_work_with_f32() {
    let (y3, proba3) = three();
    let names = ["apple", "kiwi", "pear"];
    let named: Array1<&str> = y3.mapv(|c| names[c as usize]);
    let proba32 = proba3.mapv(|p| p as f32);
    assert_abs_diff_eq!(
        log_loss(&named, &proba3, &names).unwrap(),
        reference::LOG_LOSS_THREE,
        epsilon = 1e-14
    );
    // f32 probabilities: the same loss to f32 rounding.
    assert_abs_diff_eq!(
        log_loss(&named, &proba32, &names).unwrap(),
        reference::LOG_LOSS_THREE,
        epsilon = 1e-6
    );
    assert_abs_diff_eq!(
        roc_auc(&named, &proba32, &names).unwrap(),
        reference::ROC_AUC_THREE_OVR,
        epsilon = 1e-6
    );
    // The class order given decides the columns: reversing both changes nothing.
    let reversed = proba3.slice(ndarray::s![.., ..;-1]).to_owned();
    let back = ["pear", "kiwi", "apple"];
    assert_abs_diff_eq!(
        brier_score(&named, &reversed, &back).unwrap(),
        reference::BRIER_THREE,
        epsilon = 1e-14
    );
}

#[test]
fn metrics_reject_bad_input_with_typed_errors() {
    let (y, proba, _) = binary();
    assert!(matches!(
        log_loss(&y, &proba, &[0, 1, 2]),
        Err(Error::FeatureMismatch {
            expected: 3,
            got: 2,
            ..
        })
    ));
    assert!(matches!(
        log_loss(&y, &proba, &[0, 5]),
        Err(Error::UnknownLabel { .. })
    ));
    assert!(matches!(
        log_loss(&y, &proba, &[1, 1]),
        Err(Error::InvalidParameter {
            name: "classes",
            ..
        })
    ));
    let mut too_big = proba.clone();
    too_big[(2, 1)] = 1.5;
    assert!(matches!(
        log_loss(&y, &too_big, &[0, 1]),
        Err(Error::InvalidParameter { name: "proba", .. })
    ));
    too_big[(2, 1)] = f64::NAN;
    assert!(matches!(
        brier_score(&y, &too_big, &[0, 1]),
        Err(Error::NonFinite { .. } | Error::NonFiniteEntry { .. })
    ));
    let ones = Array1::<i64>::ones(y.len());
    assert!(matches!(
        roc_auc(&ones, &proba, &[0, 1]),
        Err(Error::InvalidParameter { name: "y_true", .. })
    ));
    assert!(matches!(
        accuracy(&array![1, 2], &array![1]),
        Err(Error::LengthMismatch { .. })
    ));
    assert!(matches!(
        accuracy(&Array1::<i32>::zeros(0), &Array1::<i32>::zeros(0)),
        Err(Error::InvalidParameter { .. })
    ));
}

#[test]
fn train_test_split_is_stratified_seeded_and_a_partition() {
    let n = 103;
    let x = Array2::from_shape_fn((n, 2), |(i, j)| (i * 10 + j) as f64);
    let y: Array1<&str> = (0..n).map(|i| ["a", "b", "c"][(i * i) % 7 % 3]).collect();
    let split = train_test_split(&x, &y, 0.3, 11).unwrap();
    assert_eq!(split.test_rows.len(), 31); // ⌈0.3 · 103⌉
    let mut all: Vec<usize> = split
        .train_rows
        .iter()
        .chain(&split.test_rows)
        .copied()
        .collect();
    all.sort_unstable();
    assert_eq!(all, (0..n).collect::<Vec<_>>());
    for (row, &i) in split.x_test.rows().into_iter().zip(&split.test_rows) {
        assert_eq!(row, x.row(i));
    }
    for (label, &i) in split.y_train.iter().zip(&split.train_rows) {
        assert_eq!(*label, y[i]);
    }
    for class in ["a", "b", "c"] {
        let total = y.iter().filter(|&&l| l == class).count() as f64;
        let in_test = split.y_test.iter().filter(|&&l| l == class).count() as f64;
        assert!(
            (in_test - 0.3 * total).abs() <= 1.0,
            "{class}: {in_test} of {total}"
        );
    }
    assert_eq!(
        train_test_split(&x, &y, 0.3, 11).unwrap().test_rows,
        split.test_rows
    );
    assert_ne!(
        train_test_split(&x, &y, 0.3, 12).unwrap().test_rows,
        split.test_rows
    );
    assert!(matches!(
        train_test_split(&x, &y, 1.0, 0),
        Err(Error::InvalidParameter {
            name: "test_size",
            ..
        })
    ));
    assert!(matches!(
        train_test_split(&x, &y.slice(ndarray::s![..5]), 0.3, 0),
        Err(Error::LengthMismatch { .. })
    ));
}

#[test]
fn class_probability_and_threshold_predictions() {
    let x = array![[0.0], [1.0], [2.0], [3.0], [4.0], [5.0], [6.0], [7.0]];
    let y = array!["no", "no", "yes", "no", "yes", "no", "yes", "yes"];
    let model = LogisticRegression::new().fit(&x, &y).unwrap();
    let proba = model.predict_proba(&x).unwrap();
    assert_eq!(model.predict_proba_of(&x, &"yes").unwrap(), proba.column(1));
    assert_eq!(model.predict_proba_of(&x, &"no").unwrap(), proba.column(0));
    for threshold in [0.0, 0.3, 0.5, 0.7, 1.0] {
        let expected: Array1<&str> = proba
            .column(1)
            .mapv(|p| if p >= threshold { "yes" } else { "no" });
        assert_eq!(
            model.predict_with_threshold(&x, threshold).unwrap(),
            expected,
            "{threshold}"
        );
    }
    assert!(matches!(
        model.predict_with_threshold(&x, 1.5),
        Err(Error::InvalidParameter {
            name: "threshold",
            ..
        })
    ));
    let three = LogisticRegression::new()
        .fit(&x, &array![0, 0, 1, 1, 2, 2, 1, 0])
        .unwrap();
    assert!(matches!(
        three.predict_with_threshold(&x, 0.5),
        Err(Error::InvalidParameter {
            name: "threshold",
            ..
        })
    ));
}
